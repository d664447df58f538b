"""Fill a document template (``templates/NAME.docx``) from a context, checked against its manifest.

Public entries: ``render(template, context) -> bytes`` (the .docx file) for our templates, and
``render_bytes(docx_bytes, manifest, context) -> bytes`` for an office's own variant of one of
them, uploaded as a file. The manifest ``templates/NAME.manifest.json`` lists every field with its
type (``string``, ``date``, ``list`` with ``items``, ``object`` with ``fields``), whether it is
required, its default, and optional checks (``pattern`` for a string, ``same_length_as`` for a
list that must line up with another top-level list). Every missing or mistyped value is reported
by its path (``tasks[1].lead``) in one ``RenderError`` that speaks Vietnamese and English.

Both entries share one path: validate, add the derived values (``number_text``, ``date_text``,
``year_text``, ``period_text``), render with Jinja's ``SandboxedEnvironment`` and strict undefineds
(a template cannot reach Python internals; context values are inserted as text, autoescaped XML,
never evaluated as templates), then make every table's grid agree with its cells.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Emu
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
_NAME = re.compile(r"^[a-z0-9_]+$")

# An uploaded template is a small Word file; these bounds keep a hostile one from exhausting memory.
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_TEMPLATE_UNPACKED = 50 * 1024 * 1024

BLANK_NUMBER = " " * 8  # room to write the number by hand once the document is signed
BLANK_GAP = " " * 6  # room for the day and the month: ``ngày      tháng      năm 2026``


class RenderError(Exception):
    """A template could not be filled; ``problems`` lists ``{path, code, vi, en}`` per field."""

    code = "render_error"

    def __init__(self, vi: str, en: str, problems: list[dict[str, str]] | None = None,
                 *, code: str | None = None):
        self.vi = vi
        self.en = en
        self.problems = problems or []
        if code:
            self.code = code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [f"{self.vi} / {self.en}"]
        lines += [f"- {p['path']}: {p['vi']} / {p['en']}" for p in self.problems]
        return "\n".join(lines)

    @property
    def paths(self) -> list[str]:
        return [p["path"] for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "vi": self.vi, "en": self.en, "problems": self.problems}


def list_templates(templates_dir: Path | None = None) -> list[str]:
    base = templates_dir or TEMPLATES_DIR
    return sorted(p.name.removesuffix(".manifest.json") for p in base.glob("*.manifest.json"))


def load_manifest(template: str, templates_dir: Path | None = None) -> dict[str, Any]:
    path = _template_path(template, templates_dir).with_suffix("").with_suffix(".manifest.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _template_path(template: str, templates_dir: Path | None) -> Path:
    if not isinstance(template, str) or not _NAME.match(template):
        raise RenderError("Tên mẫu không hợp lệ.", "Invalid template name.",
                          [{"path": "template", "code": "invalid_name",
                            "vi": f"tên {template!r} không hợp lệ", "en": f"name {template!r} is invalid"}],
                          code="unknown_template")
    base = templates_dir or TEMPLATES_DIR
    path = base / f"{template}.docx"
    if not path.is_file() or not (base / f"{template}.manifest.json").is_file():
        raise RenderError(f"Không có mẫu văn bản '{template}'.", f"No template named '{template}'.",
                          code="unknown_template")
    return path


# --- validation ---------------------------------------------------------------------------

_TYPE_VI = {"string": "chuỗi chữ", "date": "ngày (YYYY-MM-DD)", "list": "danh sách", "object": "đối tượng"}


def _problem(problems: list, path: str, code: str, vi: str, en: str) -> None:
    problems.append({"path": path, "code": code, "vi": vi, "en": en})


def _check(value: Any, spec: dict[str, Any], path: str, problems: list, root: dict[str, Any]) -> Any:
    kind = spec.get("type", "string")
    wrong = (f"sai kiểu: cần {_TYPE_VI.get(kind, kind)}, nhận {type(value).__name__}",
             f"wrong type: expected {kind}, got {type(value).__name__}")
    if kind == "string":
        if not isinstance(value, str):
            _problem(problems, path, "wrong_type", *wrong)
        elif spec.get("pattern") and not re.fullmatch(spec["pattern"], value):
            _problem(problems, path, "invalid", f"giá trị {value!r} không đúng dạng",
                     f"value {value!r} does not match {spec['pattern']}")
        return value
    if kind == "date":
        if not isinstance(value, str):
            _problem(problems, path, "wrong_type", *wrong)
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            _problem(problems, path, "wrong_type", f"ngày không hợp lệ: {value!r} (cần YYYY-MM-DD)",
                     f"invalid date: {value!r} (expected YYYY-MM-DD)")
            return value
    if kind == "list":
        if not isinstance(value, list):
            _problem(problems, path, "wrong_type", *wrong)
            return value
        other = spec.get("same_length_as")
        if other and isinstance(root.get(other), list) and len(value) != len(root[other]):
            _problem(problems, path, "wrong_length", f"cần {len(root[other])} phần tử như '{other}', có {len(value)}",
                     f"expected {len(root[other])} items like '{other}', got {len(value)}")
        item = spec.get("items", {"type": "string"})
        return [_check(v, item, f"{path}[{i}]", problems, root) for i, v in enumerate(value)]
    if kind == "object":
        if not isinstance(value, dict):
            _problem(problems, path, "wrong_type", *wrong)
            return value
        return _check_fields(value, spec.get("fields", {}), f"{path}.", problems, root)
    raise ValueError(f"manifest: unknown type {kind!r} at {path}")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _check_fields(data: dict[str, Any], fields: dict[str, Any], prefix: str, problems: list,
                  root: dict[str, Any]) -> dict:
    out = dict(data)
    for name, spec in fields.items():
        path = f"{prefix}{name}"
        value = data.get(name)
        if _empty(value):
            if spec.get("required", False):
                _problem(problems, path, "missing", f"thiếu trường bắt buộc '{spec.get('label', name)}'",
                         f"required field '{name}' is missing")
                continue
            out[name] = copy.deepcopy(spec.get("default")) if value is None else value
            continue
        out[name] = _check(value, spec, path, problems, root)
    return out


def validate(context: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    """Return the context with defaults filled and dates parsed; raise ``RenderError`` on problems."""
    if not isinstance(context, dict):
        raise RenderError("Dữ liệu phải là một đối tượng JSON.", "The data must be a JSON object.",
                          code="invalid_context")
    problems: list[dict[str, str]] = []
    out = _check_fields(context, manifest.get("fields", {}), "", problems, context)
    if problems:
        raise RenderError("Dữ liệu không khớp với mẫu văn bản.", "The data does not fit the template.",
                          problems, code="invalid_context")
    return out


def date_text(day: dt.date | None, year: int | str | None = None) -> str:
    """``ngày 05 tháng 3 năm 2020``: zero before days < 10 and months 1, 2 only (NĐ 30, Phụ lục I).

    Without a day (not signed yet) the day and month are left blank for the pen:
    ``ngày      tháng      năm 2026``, in ``year`` or else the current year."""
    if day is None:
        return f"ngày{BLANK_GAP}tháng{BLANK_GAP}năm {year or dt.date.today().year}"
    return f"ngày {day.day:02d} tháng {_month(day)} năm {day.year}"


def period_text(start: dt.date, end: dt.date) -> str:
    """``từ ngày 01/10/2026 đến ngày 31/10/2026``, with the same zero rule as ``date_text``."""
    return f"từ ngày {_short(start)} đến ngày {_short(end)}"


def _month(day: dt.date) -> str:
    return f"{day.month:02d}" if day.month <= 2 else str(day.month)


def _short(day: dt.date) -> str:
    return f"{day.day:02d}/{_month(day)}/{day.year}"


# The names ``_derived`` adds to every context (template_check accepts them in templates).
DERIVED_NAMES = frozenset({"number_text", "date_text", "year_text", "period_text"})


def _derived(ctx: dict[str, Any]) -> dict[str, Any]:
    """Add what templates print but nobody should type: the number or room for it, the date or
    room for it, the year, a report's period. Dates go back to ISO text afterwards."""
    date = ctx.get("date")
    date = date if isinstance(date, dt.date) else None
    year = date.year if date else (ctx.get("year") or dt.date.today().year)
    number = ctx.get("number")
    ctx["number_text"] = number.strip() if isinstance(number, str) and number.strip() else BLANK_NUMBER
    ctx["date_text"] = date_text(date, year)
    ctx["year_text"] = str(year)
    start, end = ctx.get("period_from"), ctx.get("period_to")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if end < start:
            raise RenderError("Dữ liệu không khớp với mẫu văn bản.", "The data does not fit the template.",
                              [{"path": "period_to", "code": "invalid", "vi": "ngày kết thúc kỳ trước ngày bắt đầu",
                                "en": "the period ends before it starts"}], code="invalid_context")
        ctx["period_text"] = period_text(start, end)
    for key, value in ctx.items():
        if isinstance(value, dt.date):
            ctx[key] = value.isoformat()
    return ctx


# --- rendering ----------------------------------------------------------------------------

class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, also refusing arithmetic that would eat the worker's memory or time
    (``(10**60)**60**...``, ``'x' * 10**9``): uploaded templates are written by anyone."""

    intercepted_binops = frozenset({"**", "*"})
    MAX_BITS = 4096  # integers up to about 1,200 digits
    MAX_REPEAT = 10_000  # a string or list repeated at most this often

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        problem = _too_big(operator, left, right, self.MAX_BITS, self.MAX_REPEAT)
        if problem:
            raise SecurityError(problem)
        return super().call_binop(context, operator, left, right)


def _too_big(operator: str, left: Any, right: Any, max_bits: int, max_repeat: int) -> str | None:
    sequence = (str, list, tuple)
    if isinstance(left, int) and isinstance(right, int):
        bits = left.bit_length() * max(right, 0) if operator == "**" else left.bit_length() + right.bit_length()
        return f"the result would have about {bits} bits (at most {max_bits})" if bits > max_bits else None
    if operator == "*" and isinstance(left, sequence) != isinstance(right, sequence):
        count = right if isinstance(left, sequence) else left
        if isinstance(count, int) and count > max_repeat:
            return f"repeating a sequence {count} times is not allowed (at most {max_repeat})"
    return None


def _environment() -> SandboxedEnvironment:
    return _Sandbox(autoescape=True, undefined=StrictUndefined)


def render(template: str, context: dict[str, Any], *, templates_dir: Path | None = None) -> bytes:
    """Render ``templates/<template>.docx`` with ``context``; return the .docx bytes."""
    path = _template_path(template, templates_dir)
    return _render(DocxTemplate(str(path)), load_manifest(template, templates_dir), context)


def render_bytes(docx_bytes: bytes, manifest: dict[str, Any], context: dict[str, Any]) -> bytes:
    """Render an uploaded template (an office's variant of one of ours) given as .docx bytes, with
    the manifest its context must fit; same checks and sandbox as ``render``."""
    _check_upload(docx_bytes)
    doc = DocxTemplate(io.BytesIO(docx_bytes))
    try:
        doc.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise _bad_upload(f"không đọc được tệp Word ({exc})", f"not a readable Word file ({exc})") from exc
    return _render(doc, manifest, context)


def _bad_upload(vi: str, en: str) -> RenderError:
    return RenderError("Tệp mẫu văn bản không dùng được.", "The template file cannot be used.",
                       [{"path": "template", "code": "invalid_template", "vi": vi, "en": en}],
                       code="invalid_template")


def _check_upload(data: Any) -> None:
    """A .docx within the size bounds, with a main document part."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise _bad_upload("tệp rỗng hoặc không phải dữ liệu nhị phân", "empty or not bytes")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise _bad_upload(f"tệp lớn hơn {MAX_TEMPLATE_BYTES // 2**20} MB",
                          f"larger than {MAX_TEMPLATE_BYTES // 2**20} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise _bad_upload("không phải tệp .docx", "not a .docx file") from exc
    if "word/document.xml" not in {i.filename for i in infos}:
        raise _bad_upload("tệp .docx thiếu phần nội dung (word/document.xml)", "no word/document.xml part")
    if sum(i.file_size for i in infos) > MAX_TEMPLATE_UNPACKED:
        raise _bad_upload(f"nội dung giải nén lớn hơn {MAX_TEMPLATE_UNPACKED // 2**20} MB",
                          f"unpacks to more than {MAX_TEMPLATE_UNPACKED // 2**20} MB")


def _render(doc: DocxTemplate, manifest: dict[str, Any], context: dict[str, Any]) -> bytes:
    """The one rendering path: validate, derive, render sandboxed, fit the tables, save."""
    ctx = _derived(validate(context, manifest))
    try:
        doc.render(ctx, jinja_env=_environment(), autoescape=True)
    except (SecurityError, OverflowError) as exc:  # the sandbox raises OverflowError for huge ranges
        raise RenderError("Mẫu văn bản chứa lệnh không được phép.",
                          "The template uses an operation the sandbox forbids.",
                          [{"path": "template", "code": "sandbox", "vi": str(exc), "en": str(exc)}],
                          code="template_forbidden") from exc
    except TemplateError as exc:
        raise RenderError("Mẫu văn bản bị lỗi.", "The template is broken.",
                          [{"path": "template", "code": "template_error", "vi": str(exc), "en": str(exc)}],
                          code="template_error") from exc
    _fit_table_grids(doc.docx.element.body)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _fit_table_grids(body: Any) -> None:
    """Make each table's grid agree with its cells after column loops (``{%tc for %}``).

    docxtpl adds or drops grid columns at the end of the grid whatever the loop's position, and
    leaves every cell its template width, so LibreOffice (which lays out by the grid) squeezes the
    wrong columns and Word (which reads the cells) overflows the page. Where the widest row of
    unmerged cells disagrees with the grid, the grid is rebuilt from that row's widths, scaled to
    the table's width, and every cell (merged ones by their span) gets its share again."""
    for tbl in body.iter(qn("w:tbl")):
        grid = tbl.tblGrid
        if grid is None or not grid.gridCol_lst:
            continue
        rows = [tr.tc_lst for tr in tbl.tr_lst]
        plain = [r for r in rows if r and all(tc.grid_span == 1 and tc.width for tc in r)]
        if not plain:
            continue
        widths = [tc.width for tc in max(plain, key=len)]
        cols = grid.gridCol_lst
        if len(widths) == len(cols) and all(abs(w - (c.w or 0)) < Emu(36000) for w, c in zip(widths, cols, strict=True)):
            continue
        total = sum(c.w or 0 for c in cols) or sum(widths)
        fitted = [int(w * total / sum(widths)) for w in widths]
        for col in cols:
            grid.remove(col)
        for w in fitted:
            grid.add_gridCol().w = Emu(w)
        for row in rows:
            start = 0
            for tc in row:
                tc.width = Emu(sum(fitted[start:start + tc.grid_span]))
                start += tc.grid_span
