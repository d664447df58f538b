"""Plain text and Markdown, built by the test: encodings, pages, tables, paragraphs."""

from __future__ import annotations

import unicodedata

from worker.readers import read_document

LETTER = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/KH-SGDĐT\n\nCăn cứ Kế hoạch số 217/KH-SGDĐT ngày 28/01/2022\ncủa Sở Giáo dục và Đào tạo;\n"


def test_utf8_text_reads_and_joins_wrapped_lines() -> None:
    result = read_document(LETTER.encode("utf-8"), filename="a.txt")
    assert result.source.format == "txt" and result.source.media_type == "text/plain"
    assert "Căn cứ Kế hoạch số 217/KH-SGDĐT ngày 28/01/2022 của Sở Giáo dục và Đào tạo;" in result.text.split("\n")


def test_utf16_and_windows_1258_text() -> None:
    result = read_document(LETTER.encode("utf-16"))
    assert result.text.startswith("SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    legacy = read_document(_cp1258("Ban hành Đề án, giao Phòng chủ trì\n"))  # a Windows-1258 file
    assert legacy.text == "Ban hành Đề án, giao Phòng chủ trì"


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed where the code page has it, else base + combining tone."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            head = unicodedata.normalize("NFC", nfd[:2])
            try:
                out += head.encode("cp1258") + nfd[2:].encode("cp1258")
            except UnicodeEncodeError:
                out += nfd.encode("cp1258")
    return out


def test_form_feed_is_a_page_break() -> None:
    result = read_document("Trang một.\n\fTrang hai.\n".encode())
    assert result.source.pages == 2
    assert [b.kind for b in result.blocks] == ["paragraph", "page_break", "paragraph"]
    assert result.blocks[2].page == 2


def test_markdown_tables_headings_and_emphasis() -> None:
    md = (
        "# KẾ HOẠCH\n\n**Căn cứ** Kế hoạch số 5/KH-X;\n\n"
        "| TT | Nội dung | Thời gian |\n|---|---|---|\n| 1 | Họp *tổ* | Tháng 3/2022 |\n\n"
        "*Nơi nhận:*\n- Như trên;\n"
    )
    result = read_document(md.encode("utf-8"), filename="k.md")
    assert result.source.format == "txt" and result.source.media_type == "text/markdown"
    lines = result.text.split("\n")
    assert lines[0] == "KẾ HOẠCH"
    assert "Căn cứ Kế hoạch số 5/KH-X;" in lines
    (table,) = [b for b in result.blocks if b.kind == "table"]
    assert [[c.text for c in row] for row in table.rows] == [["TT", "Nội dung", "Thời gian"], ["1", "Họp tổ", "Tháng 3/2022"]]
    assert "Nơi nhận:" in lines
    for row in table.rows:
        for cell in row:
            assert result.text[cell.start : cell.end] == cell.text
