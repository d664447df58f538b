"""Edits written into Word files as tracked changes, review items as comments (worker/tracked.py)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import docx
import pdfplumber
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from lxml import etree

from nlp.rollover import Change
from tests import docx_factory as f
from worker.tracked import accept_all, paragraph_text, track_changes, tracked_elements

SEED = "kh_pgddt_dienbienphu_2022_thidua_word.docx"
WHEN = datetime(2024, 3, 5, 8, 30, 0)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ------------------------------------------------------------------ helpers


def replace_all(old: str, new: str, kind: str = "year", *, review: bool = False, note: str = ""):
    def edit(text: str) -> list[Change]:
        return [Change(m.start(), m.end(), old, new, kind, review, note) for m in re.finditer(re.escape(old), text)]
    return edit


def flag(word: str, note: str, kind: str = "event"):
    def edit(text: str) -> list[Change]:
        at = text.find(word)
        return [] if at < 0 else [Change(at, at + len(word), word, None, kind, True, note)]
    return edit


def combine(*edits):
    def edit(text: str) -> list[Change]:
        return [c for e in edits for c in e(text)]
    return edit


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def body_paragraphs(data: bytes) -> list[etree._Element]:
    return list(document_xml(data).iter(qn("w:p")))


def texts(data: bytes) -> list[str]:
    """paragraph_text of every w:p of the body, nested ones included, in document order."""
    return [paragraph_text(p) for p in docx.Document(io.BytesIO(data)).element.body.iter(qn("w:p"))]


def runs_xml(p: etree._Element) -> list[bytes]:
    return [etree.tostring(r) for r in p.iter(qn("w:r"))]


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def three_run_doc() -> bytes:
    document = f.new_document()
    p = document.add_paragraph()
    p.add_run("Năm học 20")
    bold = p.add_run("21-20")
    bold.bold = True
    italic = p.add_run("22 kết thúc")
    italic.italic = True
    return f.to_bytes(document)


# ------------------------------------------------------------------ one run


def test_change_inside_one_run():
    document = f.new_document()
    p = document.add_paragraph()
    run = p.add_run("Kế hoạch năm 2022 của phòng")
    run.bold = True
    run.font.size = Pt(14)
    result = track_changes(f.to_bytes(document), replace_all("2022", "2023"), date=WHEN)

    found = tracked_elements(result.data)
    assert [(x["text"], x["author"], x["date"]) for x in found["ins"]] == [("2023", "vanthu", "2024-03-05T08:30:00Z")]
    assert [(x["text"], x["author"]) for x in found["del"]] == [("2022", "vanthu")]
    assert found["comments"] == []
    [applied] = result.applied
    assert (applied.location, applied.kind, applied.old, applied.new) == ("body p0", "year", "2022", "2023")
    assert applied.to_dict()["del_ids"] == [found["del"][0]["id"]]

    [p_xml] = body_paragraphs(result.data)
    # the run is split in three with the same formatting; the new run copies it too
    kept = p_xml.findall(qn("w:r"))
    assert ["".join(r.itertext()) for r in kept] == ["Kế hoạch năm ", " của phòng"]
    rprs = {etree.tostring(r.find(qn("w:rPr"))) for r in p_xml.iter(qn("w:r"))}
    assert len(rprs) == 1 and b"<w:b/>" in rprs.pop()
    assert p_xml.find(f"{qn('w:del')}/{qn('w:r')}/{qn('w:delText')}").text == "2022"
    assert p_xml.find(f"{qn('w:del')}/{qn('w:r')}/{qn('w:t')}") is None

    clean = docx.Document(io.BytesIO(accept_all(result.data)))
    assert clean.paragraphs[0].text == "Kế hoạch năm 2023 của phòng"
    assert all(r.bold and r.font.size == Pt(14) for r in clean.paragraphs[0].runs)
    # python-docx opens the tracked file; the visible text (inserted view) is the new one
    assert texts(result.data) == ["Kế hoạch năm 2023 của phòng"]


def test_untouched_paragraphs_and_runs_keep_their_xml():
    document = f.new_document()
    document.add_paragraph("Không đổi gì ở đây")
    p = document.add_paragraph()
    p.add_run("Mở đầu ").underline = True
    p.add_run("năm 2022")
    p.add_run(" kết").italic = True
    before = f.to_bytes(document)
    result = track_changes(before, replace_all("2022", "2023"))
    old_ps, new_ps = body_paragraphs(before), body_paragraphs(result.data)
    assert etree.tostring(old_ps[0]) == etree.tostring(new_ps[0])
    old_runs, new_runs = runs_xml(old_ps[1]), runs_xml(new_ps[1])
    assert new_runs[0] == old_runs[0] and new_runs[-1] == old_runs[-1]


# ------------------------------------------------------------------ several runs


def test_change_across_three_runs_with_different_formatting():
    result = track_changes(three_run_doc(), replace_all("2021-2022", "2022-2023", "school_year"), date=WHEN)
    found = tracked_elements(result.data)
    assert [x["text"] for x in found["del"]] == ["2021-2022"]
    assert [x["text"] for x in found["ins"]] == ["2022-2023"]

    [p] = body_paragraphs(result.data)
    [deleted] = p.findall(qn("w:del"))
    pieces = [("".join(r.itertext()), r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None,
               r.find(f"{qn('w:rPr')}/{qn('w:i')}") is not None) for r in deleted.findall(qn("w:r"))]
    assert pieces == [("20", False, False), ("21-20", True, False), ("22", False, True)]
    # the inserted run takes the first affected run's formatting (plain)
    inserted = p.find(f"{qn('w:ins')}/{qn('w:r')}")
    assert inserted.find(qn("w:rPr")) is None
    assert deleted.getnext() is p.find(qn("w:ins"))

    clean = docx.Document(io.BytesIO(accept_all(result.data))).paragraphs[0]
    assert clean.text == "Năm học 2022-2023 kết thúc"
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in clean.runs] == [
        ("Năm học ", False, False), ("2022-2023", False, False), (" kết thúc", False, True)]


def test_spell_check_marks_between_runs_go_inside_one_deletion():
    document = f.new_document()
    p = document.add_paragraph()
    p.add_run("Tháng 03/20")
    f.add_run_xml(p, '<w:proofErr w:type="spellStart"/>')
    p.add_run("22")
    f.add_run_xml(p, '<w:proofErr w:type="spellEnd"/>')
    result = track_changes(f.to_bytes(document), replace_all("03/2022", "03/2023", "month"))
    found = tracked_elements(result.data)
    assert [x["text"] for x in found["del"]] == ["03/2022"]
    assert [x["text"] for x in found["ins"]] == ["03/2023"]
    [deleted] = body_paragraphs(result.data)[0].findall(qn("w:del"))
    assert [c.tag for c in deleted] == [qn("w:r"), qn("w:proofErr"), qn("w:r")]
    assert docx.Document(io.BytesIO(accept_all(result.data))).paragraphs[0].text == "Tháng 03/2023"


def test_change_reaching_into_a_hyperlink():
    document = f.new_document()
    p = document.add_paragraph()
    p.add_run("Xem Kế hoạch ")
    p._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w")} w:anchor="kh"><w:r><w:rPr><w:u w:val="single"/></w:rPr>'
        '<w:t>số 15 năm 2022</w:t></w:r></w:hyperlink>'))
    p.add_run(" ngay")
    result = track_changes(f.to_bytes(document), replace_all("2022 ngay", "2023 sớm"))
    found = tracked_elements(result.data)
    assert [x["text"] for x in found["del"]] == ["2022", " ngay"]  # one deletion on each side of the link
    assert [x["text"] for x in found["ins"]] == ["2023 sớm"]
    link = body_paragraphs(result.data)[0].find(qn("w:hyperlink"))
    assert "".join(link.find(qn("w:del")).itertext()) == "2022"
    # the insertion follows the last deletion, after the link
    assert [c.tag for c in link.itersiblings()][:2] == [qn("w:del"), qn("w:ins")]
    assert paragraph_text(docx.Document(io.BytesIO(accept_all(result.data))).paragraphs[0]._p) == \
        "Xem Kế hoạch số 15 năm 2023 sớm"


def test_tabs_breaks_insertions_and_deletions():
    document = f.new_document()
    p = document.add_paragraph()
    p.add_run("Số:\t15")
    p.add_run().add_break()
    p.add_run("năm 2022 cũ")
    data = f.to_bytes(document)
    assert texts(data) == ["Số:\t15\nnăm 2022 cũ"]

    def edit(text: str) -> list[Change]:
        at = text.index("cũ")
        return [Change(0, 0, "", "[Số] ", "placeholder"),
                Change(at - 1, at + 2, " cũ", "", "event"),
                Change(4, 6, "15", "16", "header_number")]

    result = track_changes(data, edit)
    found = tracked_elements(result.data)
    assert sorted(x["text"] for x in found["ins"]) == ["16", "[Số] "]
    assert sorted(x["text"] for x in found["del"]) == [" cũ", "15"]
    assert texts(accept_all(result.data)) == ["[Số] Số:\t16\nnăm 2022"]
    # a placeholder's inserted text is highlighted yellow, the others are not
    highlights = [r.find(f"{qn('w:rPr')}/{qn('w:highlight')}") for r in
                  document_xml(result.data).iter(qn("w:r")) if r.getparent().tag == qn("w:ins")]
    assert sorted(h.get(qn("w:val")) if h is not None else "" for h in highlights) == ["", "yellow"]


def test_marks_of_no_length_on_a_boundary_stay_outside_the_change():
    document = f.new_document()
    p = document.add_paragraph("Trang trước ")
    f.add_rendered_break(p, after_text="năm 2022")
    f.add_rendered_break(p, after_text=" tiếp")
    data = f.to_bytes(document)
    assert texts(data) == ["Trang trước năm 2022 tiếp"]
    result = track_changes(data, replace_all("năm 2022", "năm 2023"))
    [p_xml] = body_paragraphs(result.data)
    deleted = p_xml.find(qn("w:del"))
    assert deleted.find(f".//{qn('w:lastRenderedPageBreak')}") is None
    assert len(p_xml.findall(f"{qn('w:r')}/{qn('w:lastRenderedPageBreak')}")) == 2
    assert "".join(deleted.itertext()) == "năm 2022"


def test_earlier_deletions_are_not_text_and_are_not_wrapped_again():
    document = f.new_document()
    p = document.add_paragraph("Năm ")
    f.add_run_xml(p, '<w:del w:id="3" w:author="Khác" w:date="2024-01-01T00:00:00Z">'
                     '<w:r><w:delText>cũ </w:delText></w:r></w:del>')
    p.add_run("2022")
    data = f.to_bytes(document)
    assert texts(data) == ["Năm 2022"]
    result = track_changes(data, replace_all("Năm 2022", "Năm 2023"))
    found = tracked_elements(result.data)
    assert [(x["author"], x["text"]) for x in found["del"]] == [("vanthu", "Năm "), ("Khác", "cũ "), ("vanthu", "2022")]
    assert all(d.find(f".//{qn('w:del')}") is None for d in document_xml(result.data).iter(qn("w:del")))
    assert texts(accept_all(result.data)) == ["Năm 2023"]


# ------------------------------------------------------------------ tables and headers


def test_change_in_a_table_cell():
    document = f.new_document()
    document.add_paragraph("Trước bảng")
    f.data_table(document, [["TT", "Nhiệm vụ", "Thời gian"], ["1", "Lập danh mục", "Tháng 03/2022"]])
    result = track_changes(f.to_bytes(document), replace_all("2022", "2023"))
    [applied] = result.applied
    assert (applied.location, applied.block, applied.row, applied.col) == ("body t1 r1c2 p0", 1, 1, 2)
    cell = document_xml(result.data).findall(f".//{qn('w:tc')}")[5]
    assert {x.text for x in cell.iter(qn("w:delText"))} == {"2022"}
    clean = docx.Document(io.BytesIO(accept_all(result.data)))
    assert clean.tables[0].cell(1, 2).text == "Tháng 03/2023"


def test_change_in_the_borderless_header_table():
    document = f.new_document()
    f.two_column_table(document, f.ISSUER, f.NATIONAL)
    document.add_paragraph("KẾ HOẠCH")
    result = track_changes(f.to_bytes(document), replace_all("2024", "2025"), date=WHEN)
    [applied] = result.applied
    assert (applied.row, applied.col, applied.location) == (2, 1, "body t0 r2c1 p0")
    found = tracked_elements(result.data)
    assert [(x["text"], x["author"]) for x in found["ins"]] == [("2025", "vanthu")]
    clean = docx.Document(io.BytesIO(accept_all(result.data)))
    assert clean.tables[0].cell(2, 1).text == "Mường Ảng, ngày 02 tháng 4 năm 2025"
    assert clean.tables[0].cell(2, 0).text == "Số: 15/KH-PNV"


def test_nested_table_and_merged_cells_are_visited_once():
    document = f.new_document()
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).merge(outer.cell(0, 1)).text = "Tiêu đề năm 2022"
    inner = outer.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 1).text = "Quý I/2022"
    seen: list[str] = []

    def edit(text: str) -> list[Change]:
        seen.append(text)
        return replace_all("2022", "2023")(text)

    result = track_changes(f.to_bytes(document), edit)
    assert seen.count("Tiêu đề năm 2022") == 1 and seen.count("Quý I/2022") == 1
    assert sorted(a.location for a in result.applied) == ["body t0 r0c0 p0", "body t0 r1c1 t1 r0c1 p0"]
    assert [(a.row, a.col) for a in result.applied] == [(0, 0), (1, 1)]
    assert tracked_elements(result.data)["counts"] == {"ins": 2, "del": 2, "comments": 0}


def test_running_header_gets_tracked_changes_but_no_comment():
    document = f.new_document()
    f.set_running_text(document, "Kế hoạch năm 2022", "Trang cuối")
    document.add_paragraph("Thân năm 2022")
    result = track_changes(f.to_bytes(document), replace_all("2022", "2023", review=True, note="Kiểm tra năm"))
    by_story = {a.story: a for a in result.applied}
    assert by_story["header"].ins_id is not None and by_story["header"].comment_id is None
    assert by_story["body"].comment_id is not None
    clean = docx.Document(io.BytesIO(accept_all(result.data)))
    assert clean.sections[0].header.paragraphs[0].text == "Kế hoạch năm 2023"
    assert tracked_elements(result.data)["counts"] == {"ins": 2, "del": 2, "comments": 1}

    body_only = track_changes(f.to_bytes(document), replace_all("2022", "2023"), headers=False)
    assert [a.story for a in body_only.applied] == ["body"]


# ------------------------------------------------------------------ comments


def test_flag_only_change_is_a_comment_and_nothing_else():
    document = f.new_document()
    document.add_paragraph("Kỷ niệm 30 năm thành lập thành phố")
    before = f.to_bytes(document)
    result = track_changes(before, flag("30 năm", "Số năm kỷ niệm cần tính lại."), date=WHEN)
    found = tracked_elements(result.data)
    assert found["ins"] == [] and found["del"] == []
    [comment] = found["comments"]
    assert comment | {"id": 0} == {"id": 0, "author": "vanthu", "initials": "VT", "text": "Số năm kỷ niệm cần tính lại.",
                                   "anchor": "30 năm", "anchor_deleted": ""}
    [applied] = result.applied
    assert applied.new is None and applied.comment_id == comment["id"] and applied.ins_id is None
    # the comments part, its relationship and its content type were added
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        assert "word/comments.xml" in zf.namelist()
        assert b"comments+xml" in zf.read("[Content_Types].xml")
        assert b"relationships/comments" in zf.read("word/_rels/document.xml.rels")
    # the text is unchanged, and accepting drops the comment
    assert texts(result.data) == texts(before)
    clean = accept_all(result.data)
    assert tracked_elements(clean)["comments"] == [] and texts(clean) == texts(before)
    assert b"commentRangeStart" not in etree.tostring(document_xml(clean))


def test_review_edit_comment_wraps_the_deletion_and_the_insertion():
    result = track_changes(three_run_doc(), replace_all("2021-2022", "2022-2023", "school_year", review=True,
                                                        note="Năm học mới, kiểm tra lại."))
    [comment] = tracked_elements(result.data)["comments"]
    assert (comment["anchor"], comment["anchor_deleted"]) == ("2022-2023", "2021-2022")
    [p] = body_paragraphs(result.data)
    tags = [c.tag for c in p if c.tag != qn("w:pPr")]
    start = tags.index(qn("w:commentRangeStart"))
    assert tags[start:start + 5] == [qn("w:commentRangeStart"), qn("w:del"), qn("w:ins"), qn("w:commentRangeEnd"),
                                     qn("w:r")]
    assert p[list(p).index(p.find(qn("w:commentRangeEnd"))) + 1].find(qn("w:commentReference")) is not None


def test_ids_do_not_collide_with_existing_ones():
    document = f.new_document()
    p = document.add_paragraph("Năm 2022 ")
    f.add_run_xml(p, '<w:bookmarkStart w:id="41" w:name="a"/>')
    f.add_run_xml(p, '<w:ins w:id="57" w:author="Khác" w:date="2024-01-01T00:00:00Z"><w:r><w:t>và 2022</w:t></w:r></w:ins>')
    f.add_run_xml(p, '<w:bookmarkEnd w:id="41"/>')
    document.add_comment(p.runs[0], text="Ý kiến cũ", author="Khác", initials="K")
    data = f.to_bytes(document)
    assert texts(data) == ["Năm 2022 và 2022"]
    result = track_changes(data, combine(replace_all("2022", "2023"), flag("Năm", "Xem lại")))
    found = tracked_elements(result.data)
    assert len(found["ids"]) == len(set(found["ids"]))
    new_ids = [i for a in result.applied for i in (a.ins_id, *a.del_ids, a.comment_id) if i is not None]
    assert len(new_ids) == 5 and min(new_ids) > 57
    assert sorted(c["text"] for c in found["comments"]) == ["Xem lại", "Ý kiến cũ"]
    # the change inside someone else's insertion: our deletion sits inside their w:ins
    theirs = [x for x in found["ins"] if x["author"] == "Khác"]
    assert [x["text"] for x in theirs] == ["và "]
    [theirs_xml] = document_xml(result.data).findall(f".//{qn('w:ins')}[@{qn('w:author')}='Khác']")
    nested = theirs_xml.find(qn("w:del"))
    assert nested.get(qn("w:author")) == "vanthu" and "".join(nested.itertext()) == "2022"
    # our insertion follows their insertion instead of nesting in it
    assert theirs_xml.getnext().tag == qn("w:ins") and theirs_xml.getnext().get(qn("w:author")) == "vanthu"
    assert texts(accept_all(result.data)) == ["Năm 2023 và 2023"]


def test_changes_that_do_not_fit_are_skipped():
    document = f.new_document()
    document.add_paragraph("Năm 2022")

    def edit(text: str) -> list[Change]:
        return [Change(4, 8, "2021", "2023", "year"),        # wrong old text
                Change(4, 8, "2022", "2023", "year"),
                Change(6, 8, "22", "24", "year"),            # overlaps the edit before
                Change(0, 99, "x", "y", "year")]             # outside the paragraph

    result = track_changes(f.to_bytes(document), edit)
    assert [(a.old, a.new) for a in result.applied] == [("2022", "2023")]
    assert len(result.skipped) == 3
    assert {s.reason.split(" (")[0] for s in result.skipped} == {
        "old text does not match the paragraph", "overlaps another edit of the same paragraph",
        "offsets outside the paragraph"}
    assert result.to_dict()["counts"] == {"ins": 1, "del": 1, "comments": 0, "edits": 1, "flags": 0}


# ------------------------------------------------------------------ LibreOffice


@pytest.mark.slow
def test_libreoffice_shows_the_tracked_changes():
    if not f.soffice_available():
        pytest.fail("LibreOffice (soffice) is needed to check the tracked file opens")
    document = f.new_document()
    document.add_paragraph("Kế hoạch thi đua năm 2022 của phòng")
    document.add_paragraph("Kỷ niệm 30 năm thành lập")
    edit = combine(replace_all("2022", "2037"), flag("30 năm", "Tính lại số năm"))
    result = track_changes(f.to_bytes(document), edit)

    pdf = f.convert(result.data, "pdf")
    shown = pdf_text(pdf)
    assert "2022" in shown and "2037" in shown  # both versions printed: changes are shown
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        words = page.extract_words()
        old = next(w for w in words if "2022" in w["text"])
        chars = [c for c in page.chars if c["top"] >= old["top"] - 1 and c["bottom"] <= old["bottom"] + 1]
        struck = [c for c in chars if c["text"] in "2022" and c["x0"] >= old["x0"]][:4]
        x0, x1 = struck[0]["x0"], struck[-1]["x1"]
        # a line crosses the old digits through their middle: deleted text is struck through
        assert any(line["x0"] <= x0 + 1 and line["x1"] >= x1 - 1 and old["top"] + 2 < line["top"] < old["bottom"] - 2
                   for line in page.lines)

    clean_pdf = pdf_text(f.convert(accept_all(result.data), "pdf"))
    assert "2037" in clean_pdf and "2022" not in clean_pdf

    odt = f.convert(result.data, "odt")
    with zipfile.ZipFile(io.BytesIO(odt)) as zf:
        content = zf.read("content.xml").decode()
    assert "<text:deletion>" in content and "<text:insertion>" in content
    assert "Tính lại số năm" in content and "<dc:creator>vanthu</dc:creator>" in content


# ------------------------------------------------------------------ the seed Word file


@pytest.mark.corpus
def test_seed_plan_year_rollover(corpus):
    data = (corpus / SEED).read_bytes()
    returned: list[Change] = []
    flagged = "217/KH-SGDĐT"
    toy = combine(replace_all("2022", "2023"), flag(flagged, "Văn bản căn cứ của năm trước: thay bằng văn bản năm nay.",
                                                    "basis_ref"))

    def edit(text: str) -> list[Change]:
        changes = toy(text)
        returned.extend(changes)
        return changes

    result = track_changes(data, edit, date=WHEN)
    assert not result.skipped
    years = [c for c in returned if c.kind == "year"]
    assert len(years) >= 30 and len([c for c in returned if c.new is None]) == 1
    assert len(result.applied) == len(returned)
    found = tracked_elements(result.data)
    assert found["counts"] == {"ins": len(years), "del": len(years), "comments": 1}
    assert {x["text"] for x in found["ins"]} == {"2023"} and {x["text"] for x in found["del"]} == {"2022"}
    assert found["comments"][0]["anchor"] == flagged
    assert len(found["ids"]) == len(set(found["ids"]))
    # the header table's date line is among the changes
    assert any(a.location.startswith("body t0 ") for a in result.applied)

    before, after = body_paragraphs(data), body_paragraphs(result.data)
    assert len(before) == len(after)
    untouched = [(b, a) for b, a in zip(before, after, strict=True) if not toy(paragraph_text(b))]
    assert len(untouched) > 50
    assert all(etree.tostring(b) == etree.tostring(a) for b, a in untouched)

    clean = accept_all(result.data)
    assert texts(clean) == [t.replace("2022", "2023") for t in texts(data)]
    assert tracked_elements(clean)["counts"] == {"ins": 0, "del": 0, "comments": 0}
    docx.Document(io.BytesIO(clean))
