"""Template rendering: the Kế hoạch template fills from its example, keeps the NĐ 30/2020 layout,
reports bad data by field name, and cannot be used for template injection."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from jinja2.exceptions import SecurityError

from worker.render import TEMPLATES_DIR, RenderError, date_text, render

EXAMPLE = json.loads((TEMPLATES_DIR / "ke_hoach.example.json").read_text(encoding="utf-8"))
TNR = "Times New Roman"


def _example() -> dict:
    return copy.deepcopy(EXAMPLE)


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def rendered() -> docx.document.Document:
    return _open(render("ke_hoach", _example()))


def _all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _para(paragraphs, text: str):
    found = [p for p in paragraphs if p.text.strip() == text]
    assert found, f"no paragraph {text!r}"
    return found[0]


def _size(run, doc) -> float:
    size = run.font.size or doc.styles["Normal"].font.size
    return size.pt


def _full_text(doc) -> str:
    return "\n".join(p.text for p in _all_paragraphs(doc))


# --- the example renders with the legal layout ---------------------------------------------

def test_example_renders_to_a_docx_file():
    data = render("ke_hoach", _example())
    assert data[:2] == b"PK"
    doc = _open(data)
    text = _full_text(doc)
    assert "Số: 217/KH-PGDĐT" in text
    assert "Điện Biên Phủ, ngày 05 tháng 3 năm 2026" in text
    assert "{{" not in text and "{%" not in text


def test_page_is_a4_with_legal_margins(rendered):
    sec = rendered.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.5)
    assert abs(sec.page_height - Mm(297)) < Mm(0.5)
    mm = {k: round(getattr(sec, f"{k}_margin") / 36000, 1) for k in ("top", "bottom", "left", "right")}
    # Word stores margins in twips, so 15 mm comes back as 14.99 mm: compare at 0.1 mm.
    assert 20 <= mm["top"] <= 25
    assert 20 <= mm["bottom"] <= 25
    assert 30 <= mm["left"] <= 35
    assert 15 <= mm["right"] <= 20


def test_every_run_is_times_new_roman(rendered):
    assert rendered.styles["Normal"].font.name == TNR
    runs = [r for p in _all_paragraphs(rendered) for r in p.runs if r.text.strip()]
    assert runs
    bad = [r.text for r in runs if (r.font.name or TNR) != TNR]
    assert not bad


def test_header_is_two_column_table_issuer_left_national_name_right(rendered):
    header = rendered.tables[0]
    assert len(header.columns) == 2
    left, right = header.rows[0].cells
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" in left.text
    assert "UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ" in left.text
    assert "Số: 217/KH-PGDĐT" in left.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    national = _para(right.paragraphs, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").runs[0]
    assert national.bold and 12 <= _size(national, rendered) <= 13
    motto = _para(right.paragraphs, "Độc lập - Tự do - Hạnh phúc")
    assert motto.runs[0].bold and 13 <= _size(motto.runs[0], rendered) <= 14
    elements = [p._p for p in right.paragraphs]
    under = right.paragraphs[elements.index(motto._p) + 1]
    assert not under.text and under._p.pPr.find(docx.oxml.ns.qn("w:pBdr")) is not None, \
        "no rule under the Tiêu ngữ"
    issuer = _para(left.paragraphs, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO").runs[0]
    assert 12 <= _size(issuer, rendered) <= 13
    date = _para(right.paragraphs, "Điện Biên Phủ, ngày 05 tháng 3 năm 2026").runs[0]
    assert date.italic


def test_title_and_body_sizes(rendered):
    paras = list(rendered.paragraphs)
    title = _para(paras, "KẾ HOẠCH")
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold and 13 <= _size(title.runs[0], rendered) <= 14
    subject = _para(paras, EXAMPLE["subject"]).runs[0]
    assert subject.bold and 13 <= _size(subject, rendered) <= 14
    for line in EXAMPLE["bases"]:
        run = _para(paras, line).runs[0]
        assert run.italic and 13 <= _size(run, rendered) <= 14
    body = _para(paras, EXAMPLE["sections"][0]["paragraphs"][0]).runs[0]
    assert 13 <= _size(body, rendered) <= 14
    closing = _para(paras, EXAMPLE["closing"] + "./.")
    assert 13 <= _size(closing.runs[0], rendered) <= 14


@pytest.mark.parametrize("n", [1, 3, 7])
def test_task_table_has_one_row_per_task(n):
    ctx = _example()
    ctx["tasks"] = [{"text": f"Việc {i}", "lead": ["Phòng GDĐT"], "timeframe": "Tháng 4/2026"}
                    for i in range(1, n + 1)]
    doc = _open(render("ke_hoach", ctx))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")
    assert [c.text for c in table.rows[0].cells] == [
        "TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"]
    assert len(table.rows) == n + 1
    assert [r.cells[0].text for r in table.rows[1:]] == [str(i) for i in range(1, n + 1)]
    assert table.rows[n].cells[1].text == f"Việc {n}"


def test_task_cells_join_units(rendered):
    table = rendered.tables[1]
    last = [c.text for c in table.rows[3].cells]
    assert last == ["3", "Sơ kết, tổng kết và đề nghị khen thưởng", "Phòng GDĐT, Hội đồng TĐKT",
                    "Các trường, Công đoàn ngành", "Tháng 5/2026"]


def test_recipients_and_signer_block(rendered):
    foot = rendered.tables[-1]
    recv, sign = foot.rows[0].cells
    label = _para(recv.paragraphs, "Nơi nhận:").runs[0]
    assert label.bold and label.italic and _size(label, rendered) == 12
    items = [p for p in recv.paragraphs if p.text.startswith("- ")]
    assert [p.text for p in items] == ["- Sở GDĐT (b/c);", "- UBND thành phố (b/c);",
                                       "- Các trường MN, TH, THCS;", "- Lưu: VT."]
    assert all(_size(p.runs[0], rendered) == 11 for p in items)
    for text in ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Lê Thị Hồng"):
        assert _para(sign.paragraphs, text).runs[0].bold


def test_optional_fields_may_be_left_out():
    ctx = _example()
    for key in ("parent_issuer", "signer_authority", "intro", "bases"):
        del ctx[key]
    doc = _open(render("ke_hoach", ctx))
    text = _full_text(doc)
    assert "UBND THÀNH PHỐ" not in text and "KT." not in text and "Căn cứ" not in text
    assert "PHÂN CÔNG NHIỆM VỤ" in text  # default of tasks_title


def test_template_file_matches_build_script(tmp_path):
    spec = importlib.util.spec_from_file_location("vanthu_templates_build", TEMPLATES_DIR / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    fresh = build.build_ke_hoach(tmp_path / "ke_hoach.docx")
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(TEMPLATES_DIR / "ke_hoach.docx") as b:
        assert a.read("word/document.xml") == b.read("word/document.xml"), \
            "templates/ke_hoach.docx is stale: run python templates/build.py"


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2020, 3, 5), "ngày 05 tháng 3 năm 2020"),
    (dt.date(2026, 2, 15), "ngày 15 tháng 02 năm 2026"),
    (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
])
def test_date_text_follows_decree(day, text):
    assert date_text(day) == text


# --- bad data is reported by name ----------------------------------------------------------

@pytest.mark.parametrize("field", ["issuer", "subject", "signer_title", "tasks"])
def test_missing_field_is_named(field):
    ctx = _example()
    del ctx[field]
    with pytest.raises(RenderError) as err:
        render("ke_hoach", ctx)
    assert err.value.paths == [field]
    problem = err.value.problems[0]
    assert problem["code"] == "missing"
    assert "thiếu" in problem["vi"] and "missing" in problem["en"]
    assert field in str(err.value)


def test_missing_nested_field_is_named_with_its_path():
    ctx = _example()
    del ctx["tasks"][1]["text"]
    ctx["sections"][0]["title"] = "  "
    with pytest.raises(RenderError) as err:
        render("ke_hoach", ctx)
    assert sorted(err.value.paths) == ["sections[0].title", "tasks[1].text"]


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda c: c.__setitem__("number", 217), "number"),
    (lambda c: c.__setitem__("tasks", "Phát động thi đua"), "tasks"),
    (lambda c: c["tasks"][0].__setitem__("lead", "Phòng GDĐT"), "tasks[0].lead"),
    (lambda c: c.__setitem__("date", "05/03/2026"), "date"),
    (lambda c: c.__setitem__("recipients", ["Sở GDĐT", 5]), "recipients[1]"),
])
def test_wrong_type_is_named(mutate, path):
    ctx = _example()
    mutate(ctx)
    with pytest.raises(RenderError) as err:
        render("ke_hoach", ctx)
    assert err.value.paths == [path]
    assert err.value.problems[0]["code"] == "wrong_type"
    assert err.value.to_dict()["code"] == "invalid_context"


@pytest.mark.parametrize("name", ["../templates/ke_hoach", "khong_co", "KE_HOACH", ""])
def test_unknown_or_unsafe_template_name(name):
    with pytest.raises(RenderError) as err:
        render(name, _example())
    assert err.value.code == "unknown_template"


# --- no template injection -----------------------------------------------------------------

def test_context_text_is_rendered_literally():
    ctx = _example()
    ctx["subject"] = "{{ 7*7 }} và {% if true %}x{% endif %}"
    ctx["tasks"][0]["text"] = "Sửa <w:t> & {{ ''.__class__ }}"
    doc = _open(render("ke_hoach", ctx))
    text = _full_text(doc)
    assert "{{ 7*7 }} và {% if true %}x{% endif %}" in text
    assert "49" not in text
    assert "Sửa <w:t> & {{ ''.__class__ }}" in text


def _evil_template(tmp_path: Path, tag: str) -> Path:
    d = docx.Document()
    d.add_paragraph(tag)
    d.save(tmp_path / "evil.docx")
    (tmp_path / "evil.manifest.json").write_text(json.dumps({"name": "evil", "fields": {}}))
    return tmp_path


@pytest.mark.parametrize("tag", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
])
def test_sandbox_refuses_attribute_access(tmp_path, tag):
    base = _evil_template(tmp_path, tag)
    with pytest.raises(RenderError) as err:
        render("evil", {}, templates_dir=base)
    assert err.value.code == "template_forbidden"
    assert isinstance(err.value.__cause__, SecurityError)


def test_harmless_template_renders_in_same_setup(tmp_path):
    """Control for the sandbox tests: the same path renders when the tag is allowed."""
    base = _evil_template(tmp_path, "{{ 6*7 }}")
    doc = _open(render("evil", {}, templates_dir=base))
    assert doc.paragraphs[0].text == "42"


def test_cli_render_writes_docx_and_reports_missing_fields(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "kh.docx"
    ok = subprocess.run([sys.executable, "-m", "service.cli", "render", "ke_hoach",
                         str(root / "templates" / "ke_hoach.example.json"), "-o", str(out)],
                        cwd=root, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    import docx

    assert docx.Document(str(out)).tables, "the rendered plan has its header table"
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "service.cli", "render", "ke_hoach", str(empty), "-o",
                          str(tmp_path / "x.docx")], cwd=root, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "issuer" in bad.stderr and "Traceback" not in bad.stderr
