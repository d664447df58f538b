"""Template check: shipped templates pass; each planted problem is reported with its code and the
Word paragraph it sits in."""

from __future__ import annotations

import io
import json

import docx
import pytest

from tests import docx_factory as f
from worker.readers.base import Limits
from worker.render import TEMPLATES_DIR, list_templates, load_manifest
from worker.template_check import ERROR, WARNING, TemplateReport, check_template, format_report

MANIFEST = {
    "name": "thu",
    "fields": {
        "subject": {"type": "string", "required": True, "label": "Trích yếu"},
        "date": {"type": "date", "required": False, "default": None, "label": "Ngày"},
        "tasks": {
            "type": "list", "required": True, "label": "Nhiệm vụ",
            "items": {"type": "object", "fields": {
                "text": {"type": "string", "required": True, "label": "Nội dung"},
                "lead": {"type": "list", "items": {"type": "string"}, "required": True, "label": "Chủ trì"},
            }},
        },
        "recipients": {"type": "list", "items": {"type": "string"}, "required": True, "label": "Nơi nhận"},
    },
}
EXAMPLE = {"subject": "Kế hoạch kiểm tra nội bộ năm học 2025-2026", "date": "2026-03-05",
           "tasks": [{"text": "Kiểm tra hồ sơ", "lead": ["Tổ chuyên môn"]}],
           "recipients": ["UBND huyện", "Lưu: VT"]}


def build(*paragraphs: str | list[tuple[str, bool]], table: list[list[str]] | None = None,
          header: str | None = None) -> bytes:
    """A Word file: one paragraph per item (a string, or runs as (text, bold)); then a table."""
    document = f.new_document()
    for item in paragraphs:
        if isinstance(item, str):
            document.add_paragraph(item)
        else:
            p = document.add_paragraph()
            for text, bold in item:
                p.add_run(text).bold = bold
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    return f.to_bytes(document)


GOOD = ["{{ subject }}", "{%p for t in tasks %}", "{{ loop.index }}. {{ t.text }} ({{ t.lead|join(', ') }})",
        "{%p endfor %}", "Nơi nhận:", "{%p for r in recipients %}", "- {{ r }}", "{%p endfor %}",
        "{{ date_text }}"]


def check(*paragraphs, example=None, **kw) -> TemplateReport:
    return check_template(build(*paragraphs, **kw), MANIFEST, example)


def only(report: TemplateReport, code: str):
    found = [p for p in report.problems if p.code == code]
    assert len(found) == 1, format_report(report)
    return found[0]


# ------------------------------------------------------------------ shipped templates


@pytest.mark.parametrize("name", list_templates())
def test_shipped_template_passes(name):
    example_path = TEMPLATES_DIR / f"{name}.example.json"
    example = json.loads(example_path.read_text(encoding="utf-8")) if example_path.is_file() else None
    report = check_template((TEMPLATES_DIR / f"{name}.docx").read_bytes(), load_manifest(name), example)
    assert report.ok, format_report(report)
    assert report.rendered is (example is not None), format_report(report)


def test_a_clean_planted_template_passes_and_renders():
    report = check(*GOOD, example=EXAMPLE)
    assert report.problems == [], format_report(report)
    assert report.ok and report.rendered


# ------------------------------------------------------------------ not a Word file


def test_pdf_is_refused():
    report = check_template(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", MANIFEST)
    problem = only(report, "unsupported_format")
    assert not report.ok and problem.severity == ERROR
    assert problem.vi == "Mẫu văn bản phải là tệp Word .docx."


def test_plain_text_and_empty_files_are_refused():
    assert check_template(b"{{ subject }}", MANIFEST).codes() == ["unsupported_format"]
    assert check_template(b"", MANIFEST).codes() == ["empty_file"]


def test_truncated_docx_is_corrupt():
    data = build(*GOOD)
    assert check_template(data[: len(data) // 2], MANIFEST).codes() == ["corrupt_file"]


def test_word_template_dotx_is_refused():
    data = build(*GOOD)
    types = f.zip_members(data)["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
    report = check_template(f.rezip(data, {"[Content_Types].xml": types}), MANIFEST)
    assert report.codes() == ["unsupported_format"]
    assert "lưu lại thành .docx" in report.problems[0].vi


def test_zip_bomb_is_refused():
    data = f.rezip(build(*GOOD), {"word/media/padding.bin": b"\x00" * (4 << 20)})
    report = check_template(data, MANIFEST, limits=Limits(max_zip_ratio=100))
    assert report.codes() == ["too_large"]
    assert "giải nén" in report.problems[0].vi


# ------------------------------------------------------------------ Jinja syntax


@pytest.mark.parametrize(("paragraphs", "index", "tag", "vi_part"), [
    # unclosed {% for %}: reported where it opens (paragraph 2), not at the end of the document
    (["{{ subject }}", "{%p for t in tasks %}", "{{ t.text }}", "Nơi nhận"], 2, "{% for t in tasks %}", "không được đóng"),
    (["{{ subject }}", "Số: {{ date_text }", "{{ subject }}"], 2, "{{ date_text }", "sai cú pháp"),
    (["{{ subject }}", "Số: {{ date_text"], 2, "{{ date_text", "không có dấu đóng"),
    (["{{ subject }}", "Lời mở", "{% foreach t in tasks %}{{ t.text }}{% endfor %}"], 3, "foreach", "không tồn tại"),
    (["Lời mở", "{{ subject|upper( }}"], 2, "{{ subject|upper( }}", "sai cú pháp"),
    (["Lời mở", "{{ subject }}", "{{ subject|hoa }}"], 3, "{{ subject|hoa }}", "Bộ lọc 'hoa'"),
    (["{%p if subject %}", "{{ subject }}", "{%p endfor %}"], 3, "{% endfor %}", "đóng sai khối"),
    (["{{ subject }}", "{%p endif %}"], 2, "{% endif %}", "không đóng khối {% if %} nào"),
    (["{{ subject }}", "{%p for t in tasks %}", "{%p if t.text %}", "{{ t.text }}", "{%p endfor %}"], 3,
     "{% if t.text %}", "không được đóng"),
])
def test_syntax_error_points_at_its_paragraph(paragraphs, index, tag, vi_part):
    report = check(*paragraphs)
    problem = only(report, "syntax_error")
    assert problem.severity == ERROR and not report.ok
    assert problem.paragraph is not None and problem.paragraph.part == "body"
    assert problem.paragraph.index == index, format_report(report)
    assert problem.paragraph.text == paragraphs[index - 1]
    assert tag in (problem.tag or "")
    assert vi_part in problem.vi


def test_syntax_error_in_a_table_cell_names_the_cell():
    report = check("{{ subject }}", table=[["TT", "Nội dung"], ["1", "{{ subject|upper( }}"]])
    problem = only(report, "syntax_error")
    ref = problem.paragraph
    assert (ref.table, ref.row, ref.column) == (1, 2, 2)
    assert ref.text == "{{ subject|upper( }}" and ref.cell == "{{ subject|upper( }}"


def test_unclosed_expression_shows_the_tag_as_typed():
    report = check("{{ subject }}", "Số: {{ date_text }", "{{ subject }}")
    assert only(report, "syntax_error").tag == "{{ date_text }"  # not what docxtpl glued after it


def test_syntax_error_in_the_header():
    report = check(*GOOD, header="{{ subject }")
    problem = only(report, "syntax_error")
    assert problem.paragraph.part.startswith("header")
    assert problem.paragraph.text == "{{ subject }"


# ------------------------------------------------------------------ names and attributes


def test_unknown_variable():
    report = check("{{ subject }}", "Kính gửi {{ noi_nhan }}", "{{ subjet }}")
    problems = [p for p in report.problems if p.code == "unknown_variable"]
    assert [(p.paragraph.index, p.tag) for p in problems] == [(2, "{{ noi_nhan }}"), (3, "{{ subjet }}")]
    assert "Có phải là 'subject'?" in problems[1].vi and "Did you mean 'subject'?" in problems[1].en
    assert not report.ok


def test_derived_names_and_loop_are_known():
    report = check("{{ number_text }} {{ date_text }} {{ year_text }} {{ period_text }}",
                   "{% for r in recipients %}{{ loop.index }}{{ range(2)|list }}{% endfor %}")
    assert report.problems == [], format_report(report)


def test_unknown_attribute_on_a_loop_variable():
    report = check("{{ subject }}", "{%p for t in tasks %}", "{{ t.text }}", "{{ t.txt }}", "{%p endfor %}")
    problem = only(report, "unknown_attribute")
    assert problem.paragraph.index == 4 and problem.tag == "{{ t.txt }}"
    assert "'txt' không phải là trường của mỗi phần tử của 'tasks'" in problem.vi
    assert "Có phải là 'text'?" in problem.vi


def test_unknown_attribute_in_a_table_row_loop_and_nested_loops():
    report = check("{{ subject }}", table=[
        ["{%tr for t in tasks %}", ""],
        ["{{ t.text }}", "{% for l in t.lead %}{{ l.ten }}{% endfor %}{{ t['chu_tri'] }}"],
        ["{%tr endfor %}", ""],
    ])
    problems = [p for p in report.problems if p.code == "unknown_attribute"]
    assert len(problems) == 2, format_report(report)
    assert all(p.paragraph.row == 2 and p.paragraph.column == 2 for p in problems)
    assert "'tasks[].lead'" in problems[0].vi and "chuỗi chữ" in problems[0].vi  # a string has no 'ten'
    assert "'chu_tri'" in problems[1].vi


def test_known_attributes_and_methods_pass():
    report = check("{% for t in tasks|sort(attribute='text') %}{{ t.text.upper() }}{{ t.lead[0] }}"
                   "{{ t.items()|list }}{% endfor %}{{ tasks[0].text }}{{ subject.title() }}")
    assert report.problems == [], format_report(report)


# ------------------------------------------------------------------ forbidden


@pytest.mark.parametrize(("text", "name"), [
    ("{{ ''.__class__ }}", "__class__"),
    ("{{ subject|attr('__class__') }}", "__class__"),
    ("{{ tasks['__len__'] }}", "__len__"),
])
def test_python_internals_are_forbidden(text, name):
    report = check("{{ subject }}", "Ghi chú", text)
    problem = only(report, "forbidden")
    assert problem.severity == ERROR and problem.paragraph.index == 3
    assert f"'{name}'" in problem.vi and "bắt đầu bằng '_'" in problem.vi


def test_core_properties_are_checked():
    document = docx.Document(io.BytesIO(build(*GOOD)))
    document.core_properties.title = "{{ ''.__class__.__mro__ }}"
    report = check_template(f.to_bytes(document), MANIFEST)
    problems = [p for p in report.problems if p.code == "forbidden"]
    assert {p.paragraph.part for p in problems} == {"properties"}
    assert problems[0].paragraph.text.startswith("title: ")


def test_include_is_forbidden():
    assert "forbidden" in check("{{ subject }}", "{% include 'other.xml' %}").codes()


# ------------------------------------------------------------------ Word layout


def test_tag_split_across_runs_is_a_warning():
    data = build("Lời mở", [("Về việc: ", False), ("{{ sub", False), ("ject }}", True)])
    report = check_template(data, MANIFEST, EXAMPLE)
    problem = only(report, "split_runs")
    assert problem.severity == WARNING and report.ok
    assert problem.tag == "{{ subject }}"
    assert problem.paragraph.index == 2 and problem.paragraph.text == "Về việc: {{ subject }}"
    assert "định dạng khác nhau" in problem.vi
    assert report.rendered  # docxtpl still joins it


def test_tag_in_one_run_is_not_split():
    data = build([("{{ subject }}", True), (" và ", False)])
    assert check_template(data, MANIFEST).problems == []


def test_tag_split_across_paragraphs_is_an_error():
    report = check("{{ subject }}", "Kính gửi: {{ sub", "ject }}", "Nơi nhận")
    problem = only(report, "split_paragraphs")
    assert problem.severity == ERROR and not report.ok
    assert problem.paragraph.index == 2 and problem.paragraph.text == "Kính gửi: {{ sub"
    assert problem.tag == "{{ subject }}"


def test_text_next_to_a_paragraph_tag_is_dropped():
    report = check("{%p if subject %} Kính gửi", "{{ subject }}", "{%p endif %}")
    problem = only(report, "dropped_text")
    assert problem.severity == WARNING and problem.paragraph.index == 1
    assert "Kính gửi" in problem.vi


def test_text_in_a_table_row_loop_row_is_dropped():
    report = check("{{ subject }}", table=[["{%tr for t in tasks %}", "ghi chú"], ["{{ t.text }}", ""],
                                           ["{%tr endfor %}", ""]])
    problem = only(report, "dropped_text")
    assert (problem.paragraph.table, problem.paragraph.row, problem.paragraph.column) == (1, 1, 1)
    assert "hàng bảng" in problem.vi and "ghi chú" in problem.vi


# ------------------------------------------------------------------ sample render


def test_render_error_is_reported_with_its_paragraph():
    report = check("{{ subject }}", "Nơi nhận", "{{ recipients[5] }}", example=EXAMPLE)
    problem = only(report, "render_failed")
    assert not report.rendered and not report.ok
    assert problem.paragraph.index == 3 and problem.tag == "{{ recipients[5] }}"


def test_example_that_does_not_fit_is_a_warning():
    report = check(*GOOD, example={"subject": "x"})
    problem = only(report, "example_invalid")
    assert problem.severity == WARNING and "tasks" in problem.vi
    assert report.ok and not report.rendered


def test_no_render_when_static_errors():
    report = check("{{ subjet }}", example=EXAMPLE)
    assert report.codes() == ["unknown_variable"] and not report.rendered


# ------------------------------------------------------------------ output


def test_report_dict_and_text():
    report = check("{{ subject }}", "{{ ''.__class__ }}", [("{{ sub", False), ("ject }}", True)])
    data = report.to_dict()
    assert data["ok"] is False and data["errors"] == 1 and data["warnings"] == 1
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    first = data["problems"][0]
    assert set(first) >= {"code", "severity", "vi", "en", "paragraph", "tag"}
    assert first["paragraph"]["index"] in (2, 3)
    text = format_report(report)
    assert "KHÔNG ĐẠT" in text and "forbidden" in text and "split_runs" in text
    assert "đoạn 2: «{{ ''.__class__ }}»" in text
    assert text.index("forbidden") < text.index("split_runs")  # errors first

