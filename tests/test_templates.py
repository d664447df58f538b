"""Every template renders its example in the Nghị định 30/2020 layout, read back from the DOCX: A4,
margins, Times New Roman, the header table, the sizes of Quốc hiệu, Tiêu ngữ, type name and Nơi
nhận; blank numbers and dates until signing; bad data reported by path; uploaded variants rendered
in the same sandbox; and LibreOffice lays each one out (the digest on one page)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from tests.docx_factory import convert, soffice_available
from worker.render import (
    TEMPLATES_DIR,
    RenderError,
    date_text,
    list_templates,
    load_manifest,
    period_text,
    render,
    render_bytes,
)

NAMES = list_templates()
TNR = "Times New Roman"
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The four administrative documents carry Số, date and Nơi nhận; the digest is internal.
SIGNED = [n for n in NAMES if "recipients" in load_manifest(n)["fields"]]
needs_soffice = pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")


def example(name: str) -> dict:
    return json.loads((TEMPLATES_DIR / f"{name}.example.json").read_text(encoding="utf-8"))


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {name: render(name, example(name)) for name in NAMES}


@pytest.fixture(scope="module")
def pdfs(rendered) -> dict[str, bytes]:
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    return {name: convert(data, "pdf") for name, data in rendered.items()}


def paragraphs(doc) -> list[Paragraph]:
    """Every paragraph in body order, those in table cells included."""
    return [Paragraph(p, doc._body) for p in doc.element.body.iter(qn("w:p"))]


def text_of(doc) -> str:
    return "\n".join(p.text for p in paragraphs(doc))


def find(paras, text: str) -> Paragraph:
    found = [p for p in paras if p.text.strip() == text]
    assert found, f"no paragraph {text!r}"
    return found[0]


def size(run, doc) -> float:
    return (run.font.size or doc.styles["Normal"].font.size).pt


def footer(doc):
    """The Nơi nhận | signer table: its two cells."""
    for table in doc.tables:
        cells = table.rows[0].cells
        if cells[0].paragraphs and cells[0].paragraphs[0].text == "Nơi nhận:":
            return cells
    raise AssertionError("no Nơi nhận block")


# --- the examples render in the legal layout -----------------------------------------------

def test_the_five_templates_are_listed():
    assert NAMES == ["bao_cao", "bao_cao_tong_hop", "ke_hoach", "phieu_tom_tat", "quyet_dinh"]


@pytest.mark.parametrize("name", NAMES)
def test_example_renders_every_tag(name, rendered):
    data = rendered[name]
    assert data[:2] == b"PK"
    text = text_of(_open(data))
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert "None" not in text, "an empty optional field was printed as None"
    assert unicodedata.normalize("NFC", text) == text


@pytest.mark.parametrize("name", NAMES)
def test_page_is_a4_with_legal_margins(name, rendered):
    section = _open(rendered[name]).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    mm = {k: round(getattr(section, f"{k}_margin") / 36000, 1) for k in ("top", "bottom", "left", "right")}
    assert mm == {"top": 20, "bottom": 20, "left": 30, "right": 15}


@pytest.mark.parametrize("name", NAMES)
def test_every_run_with_text_is_times_new_roman(name, rendered):
    doc = _open(rendered[name])
    assert doc.styles["Normal"].font.name == TNR
    runs = [r for p in paragraphs(doc) for r in p.runs if r.text.strip()]
    assert runs
    assert [r.text for r in runs if (r.font.name or TNR) != TNR] == []


@pytest.mark.parametrize("name", NAMES)
def test_header_table_national_name_and_motto(name, rendered):
    doc = _open(rendered[name])
    header = doc.tables[0]
    assert len(header.columns) == 2 and len(header.rows) == 1
    left, right = header.rows[0].cells
    national = find(right.paragraphs, NATIONAL).runs[0]
    assert national.bold and 12 <= size(national, doc) <= 13
    motto = find(right.paragraphs, MOTTO)
    assert motto.runs[0].bold and 13 <= size(motto.runs[0], doc) <= 14
    under = right.paragraphs[[p._p for p in right.paragraphs].index(motto._p) + 1]
    assert not under.text and under._p.pPr.find(qn("w:pBdr")) is not None, "no rule under the Tiêu ngữ"
    ctx = example(name)
    issuer = find(left.paragraphs, (ctx.get("issuer") or ctx.get("unit")).upper()).runs[0]
    assert issuer.bold and 12 <= size(issuer, doc) <= 13


@pytest.mark.parametrize("name", NAMES)
def test_type_name_is_bold_and_centred(name, rendered):
    doc = _open(rendered[name])
    title = find(doc.paragraphs, load_manifest(name)["heading"])
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold and 13 <= size(title.runs[0], doc) <= 14
    subject = example(name).get("subject")
    if subject:
        run = find(doc.paragraphs, subject).runs[0]
        assert run.bold and 13 <= size(run, doc) <= 14


@pytest.mark.parametrize("name", SIGNED)
def test_recipients_and_signer(name, rendered):
    doc = _open(rendered[name])
    cell, signer = footer(doc)
    label = cell.paragraphs[0].runs[0]
    assert label.bold and label.italic and size(label, doc) == 12
    items = [p for p in cell.paragraphs if p.text.startswith("- ")]
    recipients = example(name)["recipients"]
    assert [p.text for p in items] == [f"- {r};" for r in recipients[:-1]] + [f"- {recipients[-1]}."]
    assert all(size(p.runs[0], doc) == 11 and not p.runs[0].bold for p in items)
    title = find(signer.paragraphs, example(name)["signer_title"].upper()).runs[0]
    assert title.bold and 13 <= size(title, doc) <= 14


@pytest.mark.parametrize("name", SIGNED)
def test_body_ends_with_the_end_mark(name, rendered):
    body = [p.text for p in _open(rendered[name]).paragraphs if p.text.strip()]
    ends = [t for t in body if t.endswith("./.")]
    assert len(ends) == 1


def test_digest_has_no_recipients_and_ends_with_the_empty_instruction_box(rendered):
    doc = _open(rendered["phieu_tom_tat"])
    assert "Nơi nhận" not in text_of(doc)
    box = doc.tables[-1]
    assert len(box.rows) == 1 and len(box.columns) == 1
    assert box.rows[0].cells[0].text.strip() == "Ý kiến chỉ đạo của lãnh đạo:"
    assert box.rows[0].height >= Mm(35)
    assert box.style.name == "Table Grid"


# --- quyết định ----------------------------------------------------------------------------

def test_decision_articles_start_with_bold_dieu(rendered):
    doc = _open(rendered["quyet_dinh"])
    articles = [p for p in doc.paragraphs if re.match(r"Điều \d+\.", p.text)]
    ctx = example("quyet_dinh")
    assert len(articles) == len(ctx["articles"])
    for i, (p, article) in enumerate(zip(articles, ctx["articles"], strict=True), 1):
        assert p.runs[0].text == f"Điều {i}." and p.runs[0].bold
        assert not p.runs[1].bold and p.text.startswith(f"Điều {i}. {article['text']}")
    assert doc.paragraphs[[q._p for q in doc.paragraphs].index(articles[-1]._p) + 1].text.endswith("./.")
    authority = find(doc.paragraphs, ctx["authority"].upper()).runs[0]
    assert authority.bold
    assert find(doc.paragraphs, "QUYẾT ĐỊNH:").runs[0].bold


def _annex_table(doc):
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["TT", "Họ và tên", "Chức vụ", "Ghi chú"])


def test_annex_lists_every_person_exactly_once(rendered):
    doc = _open(rendered["quyet_dinh"])
    table = _annex_table(doc)
    people = [p for g in example("quyet_dinh")["annex"]["groups"] for u in g["units"] for p in u["people"]]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    person_rows = [r for r in rows if len(set(r)) > 1]
    names = Counter(r[1] for r in person_rows)
    assert names == Counter(p["name"] for p in people)
    assert set(names.values()) == {1}
    by_name = {r[1]: r for r in person_rows}
    for p in people:
        assert by_name[p["name"]][2:] == [p["position"], p["note"]]


def test_annex_groups_by_danh_hieu_then_unit_and_numbers_within_each_group(rendered):
    table = _annex_table(_open(rendered["quyet_dinh"]))
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    merged = [r[0] for r in rows if len(set(r)) == 1]
    groups = example("quyet_dinh")["annex"]["groups"]
    expected = []
    for g in groups:
        expected.append(f"{g['title']} ({sum(len(u['people']) for u in g['units'])} người)")
        expected += [f"{u['unit']} ({len(u['people'])} người)" for u in g["units"]]
    assert merged == expected
    numbers, run = [], []
    for r in rows:
        if len(set(r)) == 1 and r[0].startswith("Danh hiệu"):
            run = []
            numbers.append(run)
        elif len(set(r)) > 1:
            run.append(r[0])
    assert numbers == [[str(i) for i in range(1, len(n) + 1)] for n in numbers]


def test_annex_starts_a_page_and_cites_the_decision(rendered):
    doc = _open(rendered["quyet_dinh"])
    paras = paragraphs(doc)
    breaks = [p for p in paras if p.paragraph_format.page_break_before]
    assert len(breaks) == 1
    ctx = example("quyet_dinh")
    line = next(p for p in paras if p.text.startswith("(Kèm theo Quyết định số"))
    assert re.fullmatch(rf"\(Kèm theo Quyết định số {{2,}}/{ctx['symbol']} ngày {{2,}}tháng {{2,}}năm 2026 "
                        rf"của {ctx['issuer']}\)", line.text)
    assert line.runs[0].italic
    assert find(paras, "DANH SÁCH").runs[0].bold


def test_decision_issuing_a_plan_has_no_annex():
    ctx = example("quyet_dinh")
    del ctx["annex"]
    ctx["subject"] = "Ban hành Kế hoạch thực hiện công tác thi đua, khen thưởng năm 2026"
    doc = _open(render("quyet_dinh", ctx))
    assert "DANH SÁCH" not in text_of(doc) and "Kèm theo" not in text_of(doc)
    assert len(doc.tables) == 2  # header, Nơi nhận | signer
    assert not any(p.paragraph_format.page_break_before for p in paragraphs(doc))


# --- báo cáo -------------------------------------------------------------------------------

def test_report_prints_its_period_and_its_tables(rendered):
    doc = _open(rendered["bao_cao"])
    ctx = example("bao_cao")
    note = find(doc.paragraphs, "(Kỳ báo cáo: từ ngày 01/10/2026 đến ngày 31/10/2026)")
    assert note.runs[0].italic
    assert find(doc.paragraphs, f"Kính gửi: {ctx['addressees'][0]}.")
    assert len(doc.tables) == 5  # header, received, tasks done, tasks due, Nơi nhận | signer
    received = doc.tables[1]
    assert len(received.rows) == 1 + len(ctx["received"])
    assert received.rows[1].cells[1].text == f"{ctx['received'][0]['ref']}\n{ctx['received'][0]['date']}"
    assert [len(t.rows) - 1 for t in doc.tables[2:4]] == [len(ctx["tasks_done"]), len(ctx["tasks_due"])]
    for i, line in enumerate(ctx["proposals"], 1):
        find(doc.paragraphs, f"{i}. {line}")


def test_several_addressees_one_per_line():
    ctx = example("bao_cao")
    ctx["addressees"] = ["Ủy ban nhân dân thành phố", "Sở Giáo dục và Đào tạo"]
    paras = [p.text for p in _open(render("bao_cao", ctx)).paragraphs]
    at = paras.index("Kính gửi:")
    assert paras[at + 1:at + 3] == ["- Ủy ban nhân dân thành phố;", "- Sở Giáo dục và Đào tạo."]


def test_report_leaves_out_empty_sections():
    ctx = example("bao_cao")
    for key in ("received", "tasks_done", "tasks_due", "proposals", "sections", "addressees", "closing"):
        del ctx[key]
    doc = _open(render("bao_cao", ctx))
    text = text_of(doc)
    assert len(doc.tables) == 2
    assert "VĂN BẢN ĐẾN" not in text and "KIẾN NGHỊ" not in text and "Kính gửi" not in text
    assert "Trên đây là báo cáo kết quả công tác trong kỳ./." in text


# --- báo cáo tổng hợp: one column per danh hiệu ---------------------------------------------

def _counts_table(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")


@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_consolidated_report_has_one_column_per_title_and_a_consistent_grid(n):
    ctx = example("bao_cao_tong_hop")
    titles = [f"Danh hiệu {i}" for i in range(1, n + 1)]
    ctx["titles"] = titles
    for k, row in enumerate(ctx["rows"]):
        row["counts"] = [str(10 * k + i) for i in range(1, n + 1)]
    ctx["totals"]["counts"] = [str(i) for i in range(n)]
    table = _counts_table(_open(render("bao_cao_tong_hop", ctx)))
    width = 5 + n
    assert [c.text for c in table.rows[0].cells] == ["TT", "Đơn vị", "Văn bản đề nghị", *titles, "Tổng số", "Ghi chú"]
    for k, row in enumerate(table.rows[1:-1]):
        assert [c.text for c in row.cells][3:3 + n] == ctx["rows"][k]["counts"]
    assert [c.text for c in table.rows[-1].cells][3:3 + n] == ctx["totals"]["counts"]
    grid = [col.w for col in table._tbl.tblGrid.gridCol_lst]
    assert len(grid) == width
    assert abs(sum(grid) - Mm(165)) < Mm(1)
    for tr in table._tbl.tr_lst:
        assert sum(tc.grid_span for tc in tr.tc_lst) == width
        start = 0
        for tc in tr.tc_lst:
            assert abs(tc.width - sum(grid[start:start + tc.grid_span])) < Mm(0.1)
            start += tc.grid_span


def test_consolidated_report_without_totals_row():
    ctx = example("bao_cao_tong_hop")
    del ctx["totals"]
    table = _counts_table(_open(render("bao_cao_tong_hop", ctx)))
    assert len(table.rows) == 1 + len(ctx["rows"])


def test_counts_must_line_up_with_titles():
    ctx = example("bao_cao_tong_hop")
    ctx["rows"][1]["counts"].pop()
    ctx["totals"]["counts"].append("9")
    with pytest.raises(RenderError) as err:
        render("bao_cao_tong_hop", ctx)
    assert sorted(err.value.paths) == ["rows[1].counts", "totals.counts"]
    assert {p["code"] for p in err.value.problems} == {"wrong_length"}


# --- blanks until the document is signed ---------------------------------------------------

@pytest.mark.parametrize("name", SIGNED)
@pytest.mark.parametrize("blank", ["", None, "missing"])
def test_blank_number_leaves_room_before_the_symbol(name, blank):
    ctx = example(name)
    if blank == "missing":
        ctx.pop("number", None)
    else:
        ctx["number"] = blank
    doc = _open(render(name, ctx))
    left = doc.tables[0].rows[0].cells[0]
    number = next(p.text for p in left.paragraphs if p.text.startswith("Số:"))
    assert re.fullmatch(rf"Số: {{6,}}/{re.escape(ctx['symbol'])}", number), number


@pytest.mark.parametrize("name", SIGNED)
def test_number_and_date_when_signed(name):
    ctx = example(name)
    ctx.update(number="45", date="2026-02-07")
    right = _open(render(name, ctx)).tables[0].rows[0].cells
    assert f"Số: 45/{ctx['symbol']}" in right[0].text
    assert f"{ctx['place']}, ngày 07 tháng 02 năm 2026" in right[1].text


@pytest.mark.parametrize("name", SIGNED)
def test_blank_date_leaves_day_and_month_empty_in_the_given_or_current_year(name):
    ctx = example(name)
    ctx.update(date="", year="2031")
    assert f"{ctx['place']}, ngày      tháng      năm 2031" in text_of(_open(render(name, ctx)))
    del ctx["year"]
    this_year = dt.date.today().year
    assert f"ngày      tháng      năm {this_year}" in text_of(_open(render(name, ctx)))


def test_signer_name_may_be_left_blank():
    ctx = example("bao_cao")
    del ctx["signer_name"]
    doc = _open(render("bao_cao", ctx))
    sign = footer(doc)[1]
    assert sign.paragraphs[-1].text == ""
    assert "PHÓ TRƯỞNG PHÒNG" in sign.text


@pytest.mark.parametrize(("day", "year", "text"), [
    (dt.date(2020, 3, 5), None, "ngày 05 tháng 3 năm 2020"),
    (dt.date(2026, 1, 9), "1999", "ngày 09 tháng 01 năm 2026"),
    (None, "2026", "ngày      tháng      năm 2026"),
])
def test_date_text(day, year, text):
    assert date_text(day, year) == text


def test_period_text_pads_like_the_decree():
    assert period_text(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == "từ ngày 01/10/2026 đến ngày 31/10/2026"
    assert period_text(dt.date(2026, 2, 1), dt.date(2026, 3, 5)) == "từ ngày 01/02/2026 đến ngày 05/3/2026"


# --- bad data is reported by path ----------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_missing_required_field_is_reported_by_name(name):
    fields = load_manifest(name)["fields"]
    required = sorted(k for k, spec in fields.items() if spec.get("required"))
    ctx = {k: v for k, v in example(name).items() if k not in required}
    with pytest.raises(RenderError) as err:
        render(name, ctx)
    assert sorted(err.value.paths) == required
    assert {p["code"] for p in err.value.problems} == {"missing"}


@pytest.mark.parametrize("name", NAMES)
def test_every_optional_field_may_be_left_out(name):
    fields = load_manifest(name)["fields"]
    ctx = {k: v for k, v in example(name).items() if fields[k].get("required")}
    doc = _open(render(name, ctx))
    assert "None" not in text_of(doc)


@pytest.mark.parametrize(("name", "field", "value"), [
    ("bao_cao", "period_to", "2026-09-30"),  # before period_from
    ("quyet_dinh", "year", "năm nay"),
    ("ke_hoach", "year", "26"),
])
def test_invalid_value_is_reported_by_name(name, field, value):
    ctx = example(name)
    ctx[field] = value
    with pytest.raises(RenderError) as err:
        render(name, ctx)
    assert err.value.paths == [field]
    assert err.value.problems[0]["code"] == "invalid"


@pytest.mark.parametrize(("name", "mutate", "path"), [
    ("quyet_dinh", lambda c: c["annex"]["groups"][1]["units"][0]["people"][1].pop("name"),
     "annex.groups[1].units[0].people[1].name"),
    ("quyet_dinh", lambda c: c["articles"][2].__setitem__("paragraphs", "Điều 3"), "articles[2].paragraphs"),
    ("bao_cao", lambda c: c["received"].__setitem__(2, "1234/SGDĐT-VP"), "received[2]"),
    ("bao_cao", lambda c: c["tasks_due"][0].__setitem__("due", ["15/11/2026"]), "tasks_due[0].due"),
    ("bao_cao", lambda c: c.__setitem__("period_from", "01/10/2026"), "period_from"),
    ("bao_cao_tong_hop", lambda c: c["rows"][0].pop("unit"), "rows[0].unit"),
    ("phieu_tom_tat", lambda c: c["citations"][1].__setitem__("flagged", True), "citations[1].flagged"),
    ("phieu_tom_tat", lambda c: c.__setitem__("asks", "Báo cáo"), "asks"),
])
def test_nested_problem_is_reported_by_path(name, mutate, path):
    ctx = example(name)
    mutate(ctx)
    with pytest.raises(RenderError) as err:
        render(name, ctx)
    assert err.value.paths == [path]


def test_rows_filled_from_extractions_may_have_blank_cells():
    """A received document or task whose values could not be read still gets its row."""
    report = example("bao_cao")
    report["received"] = [{"ref": "12/UBND-VP"}, {}]
    report["tasks_due"] = [{"text": "", "lead": "", "due": "", "status": ""}]
    doc = _open(render("bao_cao", report))
    assert (len(doc.tables[1].rows), len(doc.tables[3].rows)) == (3, 2)  # received, tasks due
    digest = example("phieu_tom_tat")
    digest["tasks"] = [{"text": "… và 3 nhiệm vụ khác (xem văn bản)", "lead": "", "timeframe": ""}]
    digest["citations"] = [{"ref": "", "result": "Chưa kiểm tra", "flagged": ""}]
    assert "… và 3 nhiệm vụ khác (xem văn bản)" in text_of(_open(render("phieu_tom_tat", digest)))


# --- an office's own variant, given as bytes -----------------------------------------------

def _docx_bytes(name: str) -> bytes:
    return (TEMPLATES_DIR / f"{name}.docx").read_bytes()


def test_render_bytes_matches_render_for_our_own_template(rendered):
    data = render_bytes(_docx_bytes("quyet_dinh"), load_manifest("quyet_dinh"), example("quyet_dinh"))
    assert text_of(_open(data)) == text_of(_open(rendered["quyet_dinh"]))


def test_render_bytes_renders_an_edited_variant():
    variant = docx.Document(io.BytesIO(_docx_bytes("ke_hoach")))
    title = find(variant.paragraphs, "KẾ HOẠCH")
    title.runs[0].text = "KẾ HOẠCH CÔNG TÁC"
    variant.add_paragraph("Điện thoại liên hệ của {{ issuer }}: 0215 3824 123")
    buf = io.BytesIO()
    variant.save(buf)
    doc = _open(render_bytes(buf.getvalue(), load_manifest("ke_hoach"), example("ke_hoach")))
    text = text_of(doc)
    assert "KẾ HOẠCH CÔNG TÁC" in text
    assert "Điện thoại liên hệ của Phòng Giáo dục và Đào tạo: 0215 3824 123" in text


def test_render_bytes_checks_the_context_against_the_manifest():
    ctx = example("ke_hoach")
    del ctx["tasks"][0]["lead"]
    with pytest.raises(RenderError) as err:
        render_bytes(_docx_bytes("ke_hoach"), load_manifest("ke_hoach"), ctx)
    assert err.value.paths == ["tasks[0].lead"]


def _tagged(tag: str) -> bytes:
    d = docx.Document()
    d.add_paragraph(tag)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("tag", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ range(10**9)|list }}",  # memory
    "{{ (10**60)**60**60 }}",  # time and memory
    "{{ 'x' * 10**9 }}",
])
def test_render_bytes_runs_in_the_sandbox(tag):
    with pytest.raises(RenderError) as err:
        render_bytes(_tagged(tag), {"fields": {}}, {})
    assert err.value.code == "template_forbidden"


def test_the_sandbox_still_computes_small_things():
    data = render_bytes(_tagged("{{ 6*7 }} {{ 2**10 }} {{ 'ab' * 3 }} {{ (1, 2) * 2 }}"), {"fields": {}}, {})
    assert _open(data).paragraphs[0].text == "42 1024 ababab (1, 2, 1, 2)"


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    b"",
    b"not a zip at all",
    _zip({"hello.txt": b"hi"}),
    _zip({"word/document.xml": b"<w:document/>"}),
    "a string, not bytes",
])
def test_render_bytes_refuses_what_is_not_a_word_file(data):
    with pytest.raises(RenderError) as err:
        render_bytes(data, load_manifest("ke_hoach"), example("ke_hoach"))
    assert err.value.code == "invalid_template"
    assert err.value.paths == ["template"]


# --- the files in templates/ are the build script's output --------------------------------

def _build_module():
    spec = importlib.util.spec_from_file_location("vanthu_templates_build_all", TEMPLATES_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_committed_files_match_the_build_script(name, tmp_path):
    build = _build_module()
    fresh = build.build(name, tmp_path)
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(TEMPLATES_DIR / f"{name}.docx") as b:
        assert a.read("word/document.xml") == b.read("word/document.xml"), \
            f"templates/{name}.docx is stale: run python templates/build.py"
    assert (tmp_path / f"{name}.manifest.json").read_text(encoding="utf-8") == \
        (TEMPLATES_DIR / f"{name}.manifest.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*.json")), ids=lambda p: p.name)
def test_json_files_are_nfc(path: Path):
    raw = path.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", raw) == raw


def test_every_example_field_is_in_the_manifest():
    for name in NAMES:
        assert set(example(name)) <= set(load_manifest(name)["fields"]), name


# --- LibreOffice lays them out ------------------------------------------------------------

def _pages(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_converts_to_pdf_with_libreoffice(name, pdfs):
    pages = _pages(pdfs[name])
    assert pages and NATIONAL in pages[0]
    assert load_manifest(name)["heading"] in pages[0]


@needs_soffice
@pytest.mark.slow
def test_digest_fits_on_one_page(pdfs):
    pages = _pages(pdfs["phieu_tom_tat"])
    assert len(pages) == 1
    assert "Ý kiến chỉ đạo của lãnh đạo" in pages[0]


@needs_soffice
@pytest.mark.slow
def test_annex_is_on_a_page_of_its_own(pdfs):
    pages = _pages(pdfs["quyet_dinh"])
    annex = [i for i, page in enumerate(pages) if "DANH SÁCH" in page]
    assert len(annex) == 1 and annex[0] > 0
    assert "QUYẾT ĐỊNH:" not in pages[annex[0]]
    people = [p["name"] for g in example("quyet_dinh")["annex"]["groups"] for u in g["units"] for p in u["people"]]
    assert all(n in "\n".join(pages[annex[0]:]) for n in people)


@needs_soffice
@pytest.mark.slow
def test_consolidated_columns_line_up_in_libreoffice(pdfs):
    ctx = example("bao_cao_tong_hop")
    with pdfplumber.open(io.BytesIO(pdfs["bao_cao_tong_hop"])) as pdf:
        page = pdf.pages[0]
        table = next(t for t in page.find_tables() if (t.extract()[0] or [None])[0] == "TT")
        rows = table.extract()
        width_mm = (table.bbox[2] - table.bbox[0]) / 72 * 25.4
    clean = [[(c or "").replace("\n", " ") for c in r] for r in rows]
    assert clean[0] == ["TT", "Đơn vị", "Văn bản đề nghị", *ctx["titles"], "Tổng số", "Ghi chú"]
    for row, data in zip(clean[1:], ctx["rows"], strict=False):
        assert row[3:3 + len(ctx["titles"])] == data["counts"]
        assert row[1] == data["unit"]
    assert width_mm <= 166
