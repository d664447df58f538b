"""The PDF reader on PDFs the tests build themselves, on broken ones, and on the corpus."""

from __future__ import annotations

import pdfplumber
import pytest
from PIL import Image

from nlp.model import RawLine, RawTable
from tests import pdf_factory as pf
from tests.conftest import CORPUS, REAL
from worker.errors import CorruptFile, EncryptedFile, TooLarge
from worker.readers import read_document, read_path
from worker.readers.base import Limits, no_progress
from worker.readers.pdf import is_blank, layer_stats, page_stats, read_pdf, text_layer_usable


@pytest.fixture(scope="module")
def letter() -> bytes:
    return pf.official_letter()


@pytest.fixture(scope="module")
def letter_result(letter: bytes):
    return read_document(letter, filename="letter.pdf")


# ------------------------------------------------------------------ built PDFs


def test_header_columns_come_out_as_a_layout_table(letter_result) -> None:
    first = letter_result.blocks[0]
    assert first.kind == "table" and first.layout and first.rows is not None
    left, right = (cell.text.split("\n") for cell in first.rows[0])
    assert left == [pf.PARENT, pf.ISSUER, pf.NUMBER]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", pf.MOTTO, pf.PLACE_DATE]
    assert not any(pf.ISSUER in ln and pf.MOTTO in ln for ln in letter_result.text.split("\n"))


def test_signer_block_and_recipients_are_separate_columns(letter_result) -> None:
    layout = [b for b in letter_result.blocks if b.kind == "table" and b.layout]
    assert len(layout) == 2
    rows = layout[-1].rows
    assert rows is not None
    assert rows[0][0].text.split("\n") == pf.RECIPIENTS
    assert rows[0][1].text.split("\n") == [pf.SIGNER_TITLE, pf.SIGNER_NAME]


def test_paragraphs_are_rebuilt_across_lines_and_pages(letter_result) -> None:
    lines = letter_result.text.split("\n")
    assert pf.BASIS in lines
    assert [ln for ln in lines if ln.startswith(("I. ", "1. "))] == ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"]
    filler = [ln for ln in lines if ln.startswith(tuple(f"{k}) " for k in range(1, 7)))]
    assert filler == [f"{k}) {pf.FILLER} {pf.FILLER}" for k in range(1, 7)]
    crossing = [b for b in letter_result.blocks if b.kind == "paragraph" and (b.page_end or b.page) > b.page]
    assert crossing, "the long paragraphs should run over a page break"


def test_page_numbers_are_not_in_the_text(letter_result) -> None:
    assert letter_result.source.pages >= 3
    assert not any(ln.strip().isdigit() and len(ln.strip()) == 1 for ln in letter_result.text.split("\n"))


def test_task_table_split_over_pages_is_one_table(letter_result) -> None:
    data = [b for b in letter_result.blocks if b.kind == "table" and not b.layout]
    assert len(data) == 1 and data[0].rows is not None
    rows = data[0].rows
    assert len(rows) == 1 + len(pf.TASKS)
    assert [r[0].text for r in rows[1:]] == [t[0] for t in pf.TASKS]
    assert [c.text for c in rows[5]] == list(pf.TASKS[4])
    assert (data[0].page_end or 0) > data[0].page
    for row in rows:
        for cell in row:
            assert letter_result.text[cell.start:cell.end] == cell.text


def test_table_words_do_not_leak_into_lines(letter: bytes) -> None:
    doc = read_pdf(letter, progress=no_progress, limits=Limits())
    lines = [it.text for p in doc.pages for it in p.items if isinstance(it, RawLine)]
    assert not any("Nhiệm vụ số 3:" in ln for ln in lines)
    assert any(isinstance(it, RawTable) and not it.layout for p in doc.pages for it in p.items)
    assert doc.format == "pdf" and not any(p.ocr for p in doc.pages)


def test_lines_carry_geometry(letter: bytes) -> None:
    doc = read_pdf(letter, progress=no_progress, limits=Limits())
    title = next(it for it in doc.pages[0].items if isinstance(it, RawLine) and it.text == pf.TITLE)
    assert title.bold and title.centered and title.size and title.x0 is not None and title.top is not None
    body = next(it for it in doc.pages[0].items if isinstance(it, RawLine) and it.text.startswith("Căn cứ"))
    assert not body.bold and not body.centered
    assert doc.pages[0].number == 1 and doc.pages[1].number == 2


def test_progress_is_reported_per_page(letter: bytes) -> None:
    seen: list[tuple[str, int, int]] = []
    doc = read_pdf(letter, progress=lambda *a: seen.append(a), limits=Limits())
    n = len(doc.pages)
    assert [s for s in seen if s[0] == "pages"] == [("pages", k, n) for k in range(1, n + 1)]


def test_too_many_pages_is_refused(letter: bytes) -> None:
    with pytest.raises(TooLarge):
        read_pdf(letter, progress=no_progress, limits=Limits(max_pages=2))


def test_password_protected_pdf_is_refused() -> None:
    data = pf.lines_pdf([["Văn bản mật."]], user_password="matkhau")
    with pytest.raises(EncryptedFile):
        read_pdf(data, progress=no_progress, limits=Limits())


def test_owner_only_encryption_opens_with_empty_password() -> None:
    data = pf.lines_pdf([["Công văn số 12/UBND-VX về việc góp ý dự thảo quyết định của Ủy ban nhân dân tỉnh."]],
                        owner_password="chusohuu")
    assert b"/Encrypt" in data
    doc = read_pdf(data, progress=no_progress, limits=Limits())
    assert "góp ý dự thảo" in doc.pages[0].items[0].text


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n" + b"\x00garbage" * 50,
    pf.lines_pdf([["Một trang bình thường có chữ tiếng Việt."]])[:400],
])
def test_corrupt_pdf_is_a_corrupt_file(data: bytes) -> None:
    with pytest.raises(CorruptFile):
        read_pdf(data, progress=no_progress, limits=Limits())


# ------------------------------------------------------------------ text-layer quality


_GOOD = ("Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo về Kế hoạch thực hiện "
         "công tác thi đua, khen thưởng năm 2022; Phòng Giáo dục và Đào tạo ban hành Kế hoạch thực hiện.")
_STRIPPED = ("UBND THANH PHO DA NANG CONG HOA XA HOI CHU NGHIA VIET NAM So Giao duc va Dao tao thanh pho "
             "Da Nang de nghi cac don vi thuc hien tot cong tac bao dam trat tu an toan giao thong trong dip he")
_GARBAGE = "UY BAN NHAN DAN CONG HOA xA HQI CilU NGHIA VIT NAM TIIANH PHO Dc Ip Tir do Hnh phiic S& 5?AD Thrc hin sf3 Két 1un"


def test_real_text_layer_is_used() -> None:
    assert text_layer_usable(layer_stats(_GOOD, image_cover=0.0))
    assert text_layer_usable(layer_stats(_GOOD, image_cover=1.0))


def test_scan_layer_without_diacritics_is_ocrd() -> None:
    stats = layer_stats(_STRIPPED, image_cover=1.0)
    assert stats.diacritic_letters == 0
    assert not text_layer_usable(stats)


def test_unmarked_text_on_a_born_digital_page_is_kept() -> None:
    assert text_layer_usable(layer_stats(_STRIPPED, image_cover=0.0))


def test_garbled_layer_is_ocrd_even_without_images() -> None:
    stats = layer_stats(_GARBAGE, image_cover=0.0)
    assert stats.plausible_words / stats.words < 0.75
    assert not text_layer_usable(stats)


def test_glyph_ids_instead_of_text_are_ocrd() -> None:
    assert not text_layer_usable(layer_stats("(cid:12)(cid:40)(cid:7) " * 30, image_cover=0.0))


def test_image_page_with_only_a_signature_box_is_ocrd() -> None:
    assert not text_layer_usable(layer_stats("Ký bởi: UBND tỉnh", image_cover=1.0))
    assert text_layer_usable(layer_stats("", image_cover=0.0))  # a blank digital page: nothing to OCR


def test_blank_image_is_recognised() -> None:
    blank = Image.new("L", (800, 1100), 255)
    assert is_blank(blank)
    inked = blank.copy()
    inked.paste(0, (100, 100, 700, 160))
    assert not is_blank(inked)


# ------------------------------------------------------------------ scans (OCR)


@pytest.mark.slow
def test_image_only_pdf_is_ocrd_and_marked_scanned() -> None:
    source = pf.lines_pdf([["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
                            "Kính gửi: Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi"]])
    scan = pf.lines_pdf([[]], image=pf.render_png(source, dpi=200))
    doc = read_pdf(scan, progress=no_progress, limits=Limits())
    assert doc.format == "pdf-scanned" and doc.pages[0].ocr
    text = " ".join(it.text for it in doc.pages[0].items if isinstance(it, RawLine))
    assert "Giáo dục" in text


@pytest.mark.slow
def test_scan_with_unmarked_ocr_layer_is_ocrd_again() -> None:
    words = ["CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc",
             "Kinh gui: So Giao duc va Dao tao tinh Quang Ngai de nghi cac don vi thuc hien tot"] * 3
    source = pf.lines_pdf([["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kính gửi: Sở Giáo dục và Đào tạo"]])
    scan = pf.lines_pdf([words], image=pf.render_png(source, dpi=200), invisible=True)
    doc = read_pdf(scan, progress=no_progress, limits=Limits())
    assert doc.pages[0].ocr
    assert "CONG HOA XA HOI" not in " ".join(it.text for it in doc.pages[0].items if isinstance(it, RawLine))


# ------------------------------------------------------------------ corpus


@pytest.mark.corpus
@pytest.mark.parametrize("name, usable", [
    ("real/tb_ubnd_quangngai_2025_01_ketluan_cophanhoa_digital.pdf", True),
    ("real/cv_ubnd_quangngai_kgvx_2025_01_gopy_vtci_digital.pdf", True),
    ("kh_pgddt_dienbienphu_2022_thidua_print.pdf", True),
    ("real/cv_sgddt_danang_2019_attgt_nghihe_scan.pdf", False),
    ("real/bc_ubnd_quangngai_23_2025_caicach_tthc.pdf", False),
    ("real/cv_ubnd_danang_2023_nq29_giaoduc_tasks_scan.pdf", False),
])
def test_corpus_text_layer_decision(name: str, usable: bool) -> None:
    with pdfplumber.open(CORPUS / name, password="") as pdf:
        assert [text_layer_usable(page_stats(p)) for p in pdf.pages] == [usable] * len(pdf.pages)


@pytest.mark.corpus
def test_print_pdf_task_table_has_twelve_rows() -> None:
    result = read_path(CORPUS / "kh_pgddt_dienbienphu_2022_thidua_print.pdf")
    assert result.source.format == "pdf" and not result.source.ocr
    data = [b for b in result.blocks if b.kind == "table" and not b.layout]
    assert len(data) == 1 and data[0].rows is not None
    rows = data[0].rows
    assert [r[0].text for r in rows[1:]] == [str(k) for k in range(1, 13)]
    assert rows[0][1].text == "Nhiệm vụ cụ thể"
    assert rows[6][1].text.endswith("sáng kiến năm học 2021-2022.")  # row 6 is cut by a page break
    header = result.blocks[0]
    assert header.layout and header.rows is not None
    assert header.rows[0][0].text.split("\n")[:2] == ["UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"]
    lines = result.text.split("\n")
    assert "Kế hoạch số 239/KH-PGDĐT, ngày 15/3/2021" in result.text
    assert any("994/HD-PGDĐT ngày 25/8/2021" in ln for ln in lines)


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["tb_ubnd_quangngai_2025_01_ketluan_cophanhoa_digital.pdf",
                                  "cv_ubnd_quangngai_kgvx_2025_01_gopy_vtci_digital.pdf"])
def test_born_digital_corpus_pdfs(name: str) -> None:
    result = read_path(REAL / name)
    assert result.source.format == "pdf"
    layout = [b for b in result.blocks if b.kind == "table" and b.layout]
    assert len(layout) == 2
    assert layout[0].rows is not None and "Độc lập - Tự do - Hạnh phúc" in layout[0].rows[0][1].text
    assert layout[-1].rows is not None and layout[-1].rows[0][0].text.startswith("Nơi nhận")
    assert "PHÓ CHÁNH VĂN PHÒNG" in layout[-1].rows[0][1].text
    assert not any("ỦY BAN NHÂN DÂN" in ln and "CỘNG HÒA" in ln for ln in result.text.split("\n"))


@pytest.mark.corpus
@pytest.mark.slow
def test_encrypted_corpus_scan_opens_and_is_ocrd() -> None:
    result = read_path(REAL / "cv_ubnd_danang_2023_nq29_giaoduc_tasks_scan.pdf")
    assert result.source.format == "pdf-scanned" and result.source.ocr
    assert "Đà Nẵng" in result.text
