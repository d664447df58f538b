"""Check a docxtpl template (an office's own variant of one of ours) before accepting it.

Public entry: ``check_template(data, manifest, example=None) -> TemplateReport``; ``format_report``
prints the report for a CLI. Every problem has a ``code``, a ``severity`` (``error`` blocks the
template, ``warning`` does not), a Vietnamese and an English message, and where possible the
Word paragraph it sits in (``ParagraphRef``: part, 1-based index in reading order with table
cells and text boxes counted, the paragraph's text as typed, and the table cell) and the tag.

What is checked, in order:

1. The file: empty, not a Word .docx (sniffed from the bytes), corrupt, zip bomb, a .dotx/.docm
   python-docx cannot open. Reuses ``worker.sniff``, ``worker.readers.docx.safe_unzip`` and the
   typed errors of ``worker.errors``; the problem's code is the error's (``unsupported_format``,
   ``corrupt_file``, ``too_large``, ``empty_file``). Nothing else is checked then.
2. Word layout, on the paragraphs as python-docx sees them: a ``{{ }}``/``{% %}``/``{# #}`` tag
   whose characters sit in several runs (``split_runs``, warning; docxtpl joins them, the value
   takes the first run's formatting); a tag opened in one paragraph and closed in a later one
   (``split_paragraphs``, error; docxtpl would merge the paragraphs); text next to a
   ``{%p %}``/``{%tr %}``/``{%tc %}`` tag in the paragraph, row or cell docxtpl replaces
   (``dropped_text``, warning).
3. Jinja, on exactly the source docxtpl would hand to Jinja: ``DocxTemplate.patch_xml`` and
   ``render_xml_part`` run on each part (body, headers, footers, footnotes; the core properties
   docxtpl also renders are checked as they are), with a stand-in environment that records the
   source instead of rendering it. Paragraphs are tagged with a marker attribute in a parallel
   copy so Jinja's lines and the tags found in the patched source map back to Word paragraphs.
   * ``syntax_error``: the whole part is parsed and compiled in a ``SandboxedEnvironment``
     (Jinja decides whether there is an error); each tag is then checked on its own and the
     blocks are matched, so the problem points at the broken tag (an unclosed ``{% for %}`` is
     reported where it opens, not at the end of the document). Unknown filters and tests count.
   * ``unknown_variable``: ``jinja2.meta.find_undeclared_variables`` on the sandboxed parse,
     minus the manifest's fields, the names the renderer derives (``DERIVED_NAMES``) and Jinja's
     globals (``range``, ``dict``, ...).
   * ``unknown_attribute``: member access (``x.name``, ``x['name']``, ``x[0]``) on manifest
     values, followed through ``{% for %}`` loop variables (``{% for t in tasks %}{{ t.txt }}``),
     nested loops (``{% for p in g.people %}``) and the filters that keep the items (``sort``,
     ``reverse``, ``selectattr``...). Objects accept their fields and dict methods; strings,
     lists and dates accept their Python methods.
   * ``forbidden``: attribute names starting with ``_`` (``{{ ''.__class__ }}``,
     ``x['__class__']``, ``x|attr('__class__')``), frame/code attributes the sandbox blocks, and
     ``{% include %}``/``{% import %}``/``{% extends %}`` (the renderer has no loader).
4. A sample render, only when nothing above is an error and an example context is given
   (``example`` or ``manifest["example"]``): the template goes through ``worker.render.render``
   itself (manifest validation, derived fields, sandbox, strict undefineds), and the output must
   open again in python-docx. An example that does not fit the manifest is a warning
   (``example_invalid``); a failed render is ``render_failed``, an unreadable output
   ``render_output_broken``.

Not checked: names bound by ``{% set %}``, ``{% with %}`` or macro arguments are not followed
(their attributes are never flagged); attributes on the results of other filters, function
calls, ``loop`` or tuple-unpacked loop targets are not checked; a tag split inside the two
characters of its delimiter across two paragraphs (``{`` ``{``) is not seen by step 2;
whether a value is in a sensible place (a ``{%tr %}`` outside a table) is only seen if the
sample render fails; types of values are checked by the renderer, not here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import html
import io
import itertools
import json
import re
import tempfile
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.oxml import parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    SandboxedEnvironment,
)
from lxml import etree

from worker import render as renderer
from worker.errors import CorruptFile, ReadError, TooLarge, UnsupportedFormat
from worker.readers.base import Limits
from worker.readers.docx import safe_unzip
from worker.sniff import WORD_MAIN_TYPES, sniff

ERROR = "error"
WARNING = "warning"

# Names the renderer adds to every context (docs/TEMPLATES.md), usable in any template.
DERIVED_NAMES = renderer.DERIVED_NAMES

# Core properties docxtpl renders as templates (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

W_P, W_T, W_R, W_RPR, W_TC, W_TR, W_TBL = (qn(t) for t in ("w:p", "w:t", "w:r", "w:rPr", "w:tc", "w:tr", "w:tbl"))
_MARK = "vtcheckpara"
_MARK_RE = re.compile(rf'<w:p {_MARK}="(\d+)"')
_P_START = re.compile(r"<w:p(?=[ >/])")

_OPENER = re.compile(r"\{[{%#]")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_KEYWORD = re.compile(r"\{%[-+]?\s*(\w+)")
_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape"}
_MIDDLES = {"elif": {"if"}, "else": {"if", "for"}}
# docxtpl's structural tags: {%p ...%}, {{tr ...}}: the tag replaces the whole paragraph, row or cell.
_STRUCTURAL = {y: re.compile(r"(\{%|\{\{)" + y + r" ([^}%]*(?:%\}|\}\}))") for y in ("p", "tr", "tc")}
_STRUCTURAL_VI = {"p": "đoạn", "tr": "hàng bảng", "tc": "ô bảng"}
_STRUCTURAL_EN = {"p": "paragraph", "tr": "table row", "tc": "table cell"}
_PREFIX = re.compile(r"^\{([{%#])[-+]?(?:(?:p|tr|tc|r)(?=\s))?")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})

_UNSAFE = (UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES | UNSAFE_GENERATOR_ATTRIBUTES
           | UNSAFE_COROUTINE_ATTRIBUTES | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES | {"mro"})
_PUBLIC = {
    "string": frozenset(n for n in dir(str) if not n.startswith("_")),
    "list": frozenset(n for n in dir(list) if not n.startswith("_")),
    "object": frozenset(n for n in dir(dict) if not n.startswith("_")),
    "date": frozenset(n for n in dir(str) + dir(dt.date) if not n.startswith("_")),
}
# Filters whose result holds the same items as their input.
_SAME_ITEMS = {"sort", "reverse", "list", "selectattr", "rejectattr", "unique", "default", "d"}
_SNIPPET = 100


# ------------------------------------------------------------------ report


@dataclass(frozen=True)
class ParagraphRef:
    """Where a problem sits, as the clerk finds it in Word."""

    part: str  # body, header1, footer2, footnotes, properties (one 'paragraph' per core property)
    index: int  # 1-based paragraph number in the part, reading order (table cells, text boxes counted)
    text: str  # the paragraph's text as typed, shortened
    table: int | None = None  # 1-based table, row and column when the paragraph is in a table cell
    row: int | None = None
    column: int | None = None
    cell: str | None = None  # the cell's text, shortened

    def describe_vi(self) -> str:
        if self.part == "properties":
            return f"thuộc tính tệp (File > Info): «{self.text}»"
        where = "" if self.part == "body" else f"{_part_vi(self.part)}, "
        cell = f", bảng {self.table} hàng {self.row} cột {self.column}" if self.table else ""
        return f"{where}đoạn {self.index}{cell}: «{self.text}»"

    def describe_en(self) -> str:
        if self.part == "properties":
            return "file properties"
        where = "" if self.part == "body" else f"{self.part}, "
        cell = f", table {self.table} row {self.row} column {self.column}" if self.table else ""
        return f"{where}paragraph {self.index}{cell}"


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str  # error | warning
    vi: str
    en: str
    paragraph: ParagraphRef | None = None
    tag: str | None = None  # the tag as the document holds it (split tags rebuilt)
    detail: str | None = None  # the underlying message (Jinja's, the reader's), untranslated

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TemplateReport:
    template: str | None = None
    problems: list[Problem] = field(default_factory=list)
    rendered: bool = False  # a sample render ran and succeeded

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        return {"template": self.template, "ok": self.ok, "rendered": self.rendered,
                "errors": len(self.errors), "warnings": len(self.warnings),
                "problems": [p.to_dict() for p in self.problems]}


def format_report(report: TemplateReport) -> str:
    """Lines for a terminal: a verdict, then one block per problem (Vietnamese, then English)."""
    name = report.template or "?"
    n_err, n_warn = len(report.errors), len(report.warnings)
    verdict = ("ĐẠT / OK" if report.ok else "KHÔNG ĐẠT / REJECTED")
    lines = [f"Mẫu {name}: {verdict} — {n_err} lỗi, {n_warn} cảnh báo / {n_err} error(s), {n_warn} warning(s)"
             + (" — đã điền thử thành công / sample render OK" if report.rendered else "")]
    for p in sorted(report.problems, key=lambda p: p.severity != ERROR):
        label = "LỖI/ERROR" if p.severity == ERROR else "CẢNH BÁO/WARNING"
        lines.append(f"[{label}] {p.code}")
        if p.paragraph:
            lines.append(f"  tại / at: {p.paragraph.describe_vi()} ({p.paragraph.describe_en()})")
        if p.tag:
            lines.append(f"  thẻ / tag: {p.tag}")
        lines.append(f"  {p.vi}")
        lines.append(f"  {p.en}")
        if p.detail:
            lines.append(f"  ({p.detail})")
    return "\n".join(lines)


# ------------------------------------------------------------------ entry


def check_template(data: bytes, manifest: dict[str, Any], example: dict[str, Any] | None = None,
                   *, limits: Limits | None = None) -> TemplateReport:
    """Check a template file against its manifest; see the module docstring for what is checked."""
    report = TemplateReport(template=manifest.get("name"))
    try:
        tpl = _open(data, limits or Limits())
    except ReadError as exc:
        report.problems.append(Problem(exc.code, ERROR, exc.vi, exc.en, detail=exc.detail))
        return report
    env = SandboxedEnvironment()
    parts = _parts(tpl)
    for part in parts:
        report.problems += _check_layout(part)
        report.problems += _check_jinja(part, manifest, env)
    if example is None:
        example = manifest.get("example")
    if example is not None and report.ok:
        problems = _sample_render(data, manifest, example, parts)
        report.rendered = not problems
        report.problems += problems
    return report


def _open(data: bytes, limits: Limits) -> DocxTemplate:
    """The template as docxtpl will open it, after the project's safety checks."""
    if len(data) > limits.max_bytes:
        raise TooLarge(f"{len(data)} bytes > {limits.max_bytes}")
    kind = sniff(data)
    if kind.kind != "docx":
        raise UnsupportedFormat(f"content is {kind.media_type}", vi=_NOT_DOCX_VI, en=_NOT_DOCX_EN)
    parts = safe_unzip(data, limits)
    types = parts.get("[Content_Types].xml", b"")
    if not any(t.encode() in types for t in WORD_MAIN_TYPES[:1]) and any(t.encode() in types for t in WORD_MAIN_TYPES[1:]):
        raise UnsupportedFormat("Word template (.dotx) or macro-enabled file (.docm)",
                                vi=_DOTX_VI, en=_DOTX_EN)
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.init_docx()
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted bytes means a broken file
        raise CorruptFile(f"not a readable Word document: {type(exc).__name__}: {exc}"[:300]) from exc
    return tpl


_NOT_DOCX_VI = "Mẫu văn bản phải là tệp Word .docx."
_NOT_DOCX_EN = "A template must be a Word .docx file."
_DOTX_VI = "Tệp là mẫu Word (.dotx) hoặc có macro (.docm); hãy mở bằng Word và lưu lại thành .docx."
_DOTX_EN = "The file is a Word template (.dotx) or macro-enabled (.docm); open it in Word and save it as .docx."


# ------------------------------------------------------------------ parts and paragraphs


@dataclass
class _Para:
    index: int  # 0-based
    text: str
    runs: list[tuple[int, int, etree._Element]]  # char span of each w:t and its run
    cell: tuple[int, int, int] | None = None
    cell_text: str | None = None


@dataclass
class _Tag:
    start: int
    end: int
    opener: str
    closed: bool
    text: str  # as Jinja sees it
    line0: int  # 1-based lines it spans
    line1: int
    para: int  # index into the part's paragraphs


@dataclass
class _Part:
    name: str
    root: etree._Element | None
    paras: list[_Para]
    source: str  # exactly what docxtpl hands to Jinja
    annotated: str = ""  # the same with a paragraph marker on every <w:p>
    tags: list[_Tag] = field(default_factory=list)
    line_para: list[int] = field(default_factory=list)  # 0-based line -> paragraph index

    def ref(self, para: int | None) -> ParagraphRef | None:
        if para is None or not self.paras:
            return None
        p = self.paras[min(para, len(self.paras) - 1)]
        table, row, column = p.cell or (None, None, None)
        return ParagraphRef(self.name, p.index + 1, _short(p.text), table, row, column,
                            _short(p.cell_text) if p.cell_text is not None else None)


class _SourceCatcher:
    """Stands in for the Jinja environment in ``DocxTemplate.render_xml_part``: keeps the source."""

    def __init__(self) -> None:
        self.source = ""

    def from_string(self, source: str) -> _SourceCatcher:
        self.source = source
        return self

    def render(self, *args: Any, **kwargs: Any) -> str:
        return ""


def _jinja_source(tpl: DocxTemplate, xml: str, part: Any) -> str:
    catcher = _SourceCatcher()
    tpl.render_xml_part(tpl.patch_xml(xml), part, {}, jinja_env=catcher)
    return catcher.source


def _parts(tpl: DocxTemplate) -> list[_Part]:
    """Every part docxtpl renders, with the Jinja source it would render."""
    document = tpl.get_docx()
    found: list[tuple[str, etree._Element, str, Any]] = [
        ("body", document.element.body, tpl.get_xml(), document.part)]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _rel, part in tpl.get_headers_footers(uri):
            found.append((Path(str(part.partname)).stem, parse_xml(part.blob), tpl.get_part_xml(part), part))
    for part in document.part.package.parts:
        if part.content_type == _FOOTNOTES_TYPE:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            found.append(("footnotes", parse_xml(part.blob), blob, part))
            break
    out = []
    for name, root, xml, part in found:
        paras = _paragraphs(root)
        counter = itertools.count()
        annotated_xml = _P_START.sub(lambda _m, n=counter: f'<w:p {_MARK}="{next(n)}"', xml)
        item = _Part(name, root, paras, _jinja_source(tpl, xml, part))
        item.annotated = _jinja_source(tpl, annotated_xml, part)
        _index_tags(item, markers_ok=next(counter) == len(paras))
        out.append(item)
    props = document.core_properties
    for prop in _PROPERTIES:
        value = getattr(props, prop) or ""
        if _OPENER.search(value):
            item = _Part("properties", None, [_Para(0, f"{prop}: {value}", [])], value, value)
            _index_tags(item, markers_ok=False)
            out.append(item)
    return out


def _paragraphs(root: etree._Element) -> list[_Para]:
    """Every w:p in document order with its own text (text boxes are their own paragraphs)."""
    tables = {tbl: i for i, tbl in enumerate(root.iter(W_TBL), 1)}
    rows: dict[etree._Element, list[etree._Element]] = {}
    cells: dict[etree._Element, list[etree._Element]] = {}
    out: list[_Para] = []
    for i, p in enumerate(root.iter(W_P)):
        text, runs = "", []
        for t in p.iter(W_T):
            if next(t.iterancestors(W_P), None) is not p:
                continue
            piece = t.text or ""
            runs.append((len(text), len(text) + len(piece), t.getparent()))
            text += piece
        para = _Para(i, text, runs)
        tc = next(p.iterancestors(W_TC), None)
        tr = tc.getparent() if tc is not None else None
        tbl = next(tc.iterancestors(W_TBL), None) if tc is not None else None
        if tc is not None and tr is not None and tbl is not None:
            if tbl not in rows:
                rows[tbl] = [r for r in tbl.iter(W_TR) if next(r.iterancestors(W_TBL), None) is tbl]
            if tr not in cells:
                cells[tr] = [c for c in tr.iter(W_TC) if next(c.iterancestors(W_TR), None) is tr]
            if tr in rows[tbl] and tc in cells[tr]:
                para.cell = (tables[tbl], rows[tbl].index(tr) + 1, cells[tr].index(tc) + 1)
                para.cell_text = "\n".join(_own_text(q) for q in tc.iter(W_P))
        out.append(para)
    return out


def _own_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(W_T) if next(t.iterancestors(W_P), None) is p)


def _index_tags(part: _Part, *, markers_ok: bool) -> None:
    """Find the tags of the patched source and the Word paragraph each one comes from."""
    src = part.annotated
    newlines = [i for i, ch in enumerate(src) if ch == "\n"]
    markers = [(m.start(), int(m.group(1))) for m in _MARK_RE.finditer(src)] if markers_ok else []
    marker_pos = [pos for pos, _ in markers]
    # Tags each paragraph holds (normalised), consumed as the patched source's tags are placed.
    wanted: list[Counter] = [Counter() for _ in part.paras]
    for para_index, text, _spans in _document_tags(part.paras):
        wanted[para_index][_norm(text)] += 1
    for m in _tags_in(src):
        start, end, opener, closed = m
        k = bisect.bisect_right(marker_pos, start)
        first = markers[k - 1][1] if k else 0
        last = markers[k][1] if k < len(markers) else len(part.paras)
        key = _norm(src[start:end])
        window = range(first, max(last, first + 1)) if markers_ok else range(first, len(part.paras))
        para = next((i for i in window if i < len(wanted) and wanted[i][key] > 0), first)
        if para < len(wanted) and wanted[para][key] > 0:
            wanted[para][key] -= 1
        part.tags.append(_Tag(start, end, opener, closed, src[start:end], bisect.bisect_left(newlines, start) + 1,
                              bisect.bisect_left(newlines, end - 1) + 1, para))
    line_para, current = [], 0
    lines = src.split("\n")
    for line in lines:
        m = _MARK_RE.search(line) if markers_ok else None
        if m:
            current = int(m.group(1))
        line_para.append(current)
    part.line_para = line_para


def _tags_in(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, opener, closed) of every Jinja tag; an unclosed tag runs to the end."""
    out, pos = [], 0
    while (m := _OPENER.search(text, pos)) is not None:
        close = text.find(_CLOSER[m.group()], m.end())
        end = len(text) if close < 0 else close + 2
        out.append((m.start(), end, m.group(), close >= 0))
        pos = end
    return out


def _document_tags(paras: list[_Para]) -> list[tuple[int, str, list[tuple[int, int, int]]]]:
    """Tags as typed in Word: (paragraph, text, [(paragraph, start, end) pieces]).

    A tag left open at the end of a paragraph continues into the next ones until its closer, unless
    another tag opens first (then it is just unclosed: a syntax error, reported by the Jinja check).
    """
    out: list[tuple[int, str, list[tuple[int, int, int]]]] = []
    pending: tuple[int, str, str, list[tuple[int, int, int]]] | None = None  # para, opener, text, pieces
    for para in paras:
        text, pos = para.text, 0
        if pending is not None:
            first, opener, so_far, pieces = pending
            close = text.find(_CLOSER[opener])
            reopen = _OPENER.search(text)
            if close >= 0 and (reopen is None or reopen.start() >= close):
                pieces = [*pieces, (para.index, 0, close + 2)]
                out.append((first, so_far + text[:close + 2], pieces))
                pending, pos = None, close + 2
            elif reopen is None:
                pending = (first, opener, so_far + text, [*pieces, (para.index, 0, len(text))])
                continue
            else:
                pending = None
        for start, end, opener, closed in _tags_in(text[pos:]):
            start, end = start + pos, end + pos
            if closed:
                out.append((para.index, text[start:end], [(para.index, start, end)]))
            else:
                pending = (para.index, opener, text[start:], [(para.index, start, len(text))])
    return out


def _norm(tag: str) -> str:
    """A tag as typed and as patched by docxtpl compare equal: no XML, prefixes, dashes or spaces."""
    text = html.unescape(re.sub(r"<[^>]*>", "", tag)).translate(_QUOTES)
    text = _PREFIX.sub(r"{\1", text)
    text = re.sub(r"[-+]?([%}#]\})$", r"\1", text)
    return re.sub(r"\s+", "", text)


def _clean(tag: str) -> str:
    """A tag for display: cut at the end of its paragraph (an unclosed tag swallows what follows)."""
    tag = tag.split("</w:p>", 1)[0]
    return _short(re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", "", tag)).translate(_QUOTES)).strip(), 160)


def _shown(part: _Part, tag: _Tag) -> str:
    """A broken tag as the paragraph holds it: docxtpl may have glued what follows onto it."""
    cleaned = _clean(tag.text)
    text = part.paras[tag.para].text if tag.para < len(part.paras) else ""
    for size in range(len(cleaned), 2, -1):
        if cleaned[:size] in text:
            return cleaned[:size]
    return cleaned


def _short(text: str | None, size: int = _SNIPPET) -> str:
    text = (text or "").replace("\n", " / ").strip()
    return text if len(text) <= size else text[: size - 1] + "…"


def _part_vi(name: str) -> str:
    for prefix, vi in (("header", "đầu trang"), ("footer", "chân trang"), ("footnotes", "chú thích")):
        if name.startswith(prefix):
            return f"{vi} ({name})"
    return name


# ------------------------------------------------------------------ Word layout


def _check_layout(part: _Part) -> list[Problem]:
    problems: list[Problem] = []
    for first, text, pieces in _document_tags(part.paras):
        if len({p for p, _s, _e in pieces}) > 1:
            problems.append(Problem(
                "split_paragraphs", ERROR,
                f"Thẻ {_short(text)} bị ngắt sang đoạn khác (có dấu xuống dòng Enter giữa thẻ): khi điền, "
                "docxtpl sẽ gộp các đoạn và làm hỏng bố cục. Hãy viết cả thẻ trên cùng một đoạn.",
                f"The tag {_short(text)} is broken across paragraphs (a paragraph mark inside the tag): "
                "docxtpl would merge the paragraphs and break the layout. Write the whole tag in one paragraph.",
                part.ref(first), _short(text, 160)))
            continue
        _p, start, end = pieces[0]
        runs = [run for s, e, run in part.paras[first].runs if s < end and e > start]
        unique = list(dict.fromkeys(runs))
        if len(unique) > 1:
            formats = {_format(run) for run in unique}
            differ_vi = ", có định dạng khác nhau" if len(formats) > 1 else ""
            differ_en = " with different formatting" if len(formats) > 1 else ""
            problems.append(Problem(
                "split_runs", WARNING,
                f"Thẻ {text} bị Word tách thành {len(unique)} phần (run){differ_vi}, thường do sửa giữa chừng "
                "hoặc kiểm tra chính tả: vẫn điền được, nhưng giá trị lấy định dạng của phần đầu. "
                "Nên xóa và gõ lại cả thẻ một lần.",
                f"Word split the tag {text} into {len(unique)} runs{differ_en}, usually from an edit or the "
                "spelling checker: it still renders, but the value takes the first run's formatting. "
                "Delete and retype the whole tag in one go.",
                part.ref(first), text))
    if part.root is not None:
        problems += _dropped_text(part)
    return problems


def _format(run: etree._Element) -> bytes:
    rpr = run.find(W_RPR) if run.tag == W_R else None
    return b"" if rpr is None else etree.tostring(rpr, method="c14n")


def _dropped_text(part: _Part) -> list[Problem]:
    """Text docxtpl throws away with the paragraph, row or cell a {%p|tr|tc %} tag replaces."""
    problems: list[Problem] = []
    positions = {p: i for i, p in enumerate(part.root.iter(W_P))}
    for y, pattern in _STRUCTURAL.items():
        for el in part.root.iter(qn(f"w:{y}")):
            paragraphs = [el] if y == "p" else list(el.iter(W_P))
            texts = [_own_text(p) for p in paragraphs]
            whole = "".join(texts)
            m = pattern.search(whole)
            if m is None:
                continue
            leftover = (whole[: m.start()] + whole[m.end():]).strip()
            if not leftover:
                continue
            holder = next((p for p, t in zip(paragraphs, texts, strict=True) if pattern.search(t)), paragraphs[0])
            tag = m.group(0)
            problems.append(Problem(
                "dropped_text", WARNING,
                f"Lệnh {tag} thay cả {_STRUCTURAL_VI[y]} chứa nó khi điền: chữ «{_short(leftover, 60)}» "
                f"trong {_STRUCTURAL_VI[y]} này sẽ mất. Hãy để lệnh một mình.",
                f"{tag} replaces its whole {_STRUCTURAL_EN[y]} when rendering: the text "
                f"«{_short(leftover, 60)}» in that {_STRUCTURAL_EN[y]} is lost. Keep the tag on its own.",
                part.ref(positions.get(holder)), tag))
    return problems


# ------------------------------------------------------------------ Jinja


def _check_jinja(part: _Part, manifest: dict[str, Any], env: SandboxedEnvironment) -> list[Problem]:
    try:
        ast = env.parse(part.source)
        env.compile(ast)
    except TemplateSyntaxError as exc:
        problems = _scan_syntax(part, env)
        if problems:
            return problems
        para = part.line_para[exc.lineno - 1] if exc.lineno and 0 < exc.lineno <= len(part.line_para) else None
        tag = next((t for t in part.tags if exc.lineno and t.line0 <= exc.lineno <= t.line1), None)
        return [_syntax_problem(part.ref(para if tag is None else tag.para),
                                _clean(tag.text) if tag else None, exc.message or str(exc))]
    fields = manifest.get("fields", {})
    problems = _check_forbidden(part, ast)
    problems += _check_names(part, ast, fields, env)
    problems += _check_members(part, ast, fields)
    return problems


def _compile_error(env: SandboxedEnvironment, source: str) -> str | None:
    try:
        env.compile(source)
    except TemplateSyntaxError as exc:
        return exc.message or str(exc)
    return None


def _scan_syntax(part: _Part, env: SandboxedEnvironment) -> list[Problem]:
    """Check each tag on its own and match the blocks, to say which tag is broken."""
    problems: list[Problem] = []
    stack: list[tuple[str, _Tag]] = []
    failed, raw = False, False

    def fail(tag: _Tag, detail: str, vi: str | None = None, en: str | None = None) -> None:
        nonlocal failed
        failed = True
        problems.append(_syntax_problem(part.ref(tag.para), _shown(part, tag), detail, vi, en))

    for tag in part.tags:
        kw_match = _KEYWORD.match(tag.text) if tag.opener == "{%" else None
        kw = kw_match.group(1) if kw_match else ""
        if raw:
            raw = kw != "endraw"
            continue
        if not tag.closed:
            closer = _CLOSER[tag.opener]
            fail(tag, f"tag opened with '{tag.opener}' is never closed with '{closer}'",
                 f"Thẻ mở bằng '{tag.opener}' nhưng không có dấu đóng '{closer}'.",
                 f"The tag opens with '{tag.opener}' but is never closed with '{closer}'.")
            continue
        if tag.opener == "{#":
            continue
        if tag.opener == "{{":
            if (err := _compile_error(env, tag.text)) is not None:
                fail(tag, err)
            continue
        if kw == "raw":
            raw = True
        elif kw in _BLOCKS or (kw == "set" and "=" not in tag.text):
            if (err := _compile_error(env, f"{tag.text}{{% end{kw} %}}")) is not None:
                fail(tag, err)
            stack.append((kw, tag))
        elif kw in _MIDDLES:
            if not stack or stack[-1][0] not in _MIDDLES[kw]:
                fail(tag, f"'{kw}' outside of an if/for block",
                     f"Lệnh {{% {kw} %}} nằm ngoài khối {{% if %}} / {{% for %}} nào.",
                     f"{{% {kw} %}} is not inside an {{% if %}} / {{% for %}} block.")
            elif (err := _compile_error(env, f"{{% if 1 %}}{tag.text}{{% endif %}}")) is not None:
                fail(tag, err)
        elif kw.startswith("end") and kw != "end":
            name = kw[3:]
            if any(k == name for k, _t in stack):
                while stack[-1][0] != name:
                    k, opened = stack.pop()
                    _unclosed(fail, k, opened)
                stack.pop()
            elif stack:
                k, opened = stack.pop()
                where = part.ref(opened.para)
                at_vi = f" (mở ở đoạn {where.index})" if where else ""
                at_en = f" (opened in paragraph {where.index})" if where else ""
                fail(tag, f"'{kw}' closes the open '{k}' block",
                     f"Lệnh {{% {kw} %}} đóng sai khối: khối đang mở là {{% {k} %}}{at_vi}, cần {{% end{k} %}}.",
                     f"{{% {kw} %}} closes the wrong block: the open block is {{% {k} %}}{at_en}, "
                     f"which needs {{% end{k} %}}.")
            elif not failed:
                fail(tag, f"'{kw}' closes no open block",
                     f"Lệnh {{% {kw} %}} không đóng khối {{% {name} %}} nào đang mở (thừa, hoặc thiếu lệnh mở).",
                     f"{{% {kw} %}} closes no open {{% {name} %}} block (extra, or its opening tag is missing).")
        elif (err := _compile_error(env, tag.text)) is not None:
            fail(tag, err)
    for k, opened in reversed(stack):
        _unclosed(fail, k, opened)
    return problems


def _unclosed(fail: Any, kw: str, tag: _Tag) -> None:
    fail(tag, f"block '{kw}' is never closed",
         f"Khối {{% {kw} %}} mở ở đoạn này không được đóng: thiếu {{% end{kw} %}}.",
         f"The {{% {kw} %}} block opened in this paragraph is never closed: {{% end{kw} %}} is missing.")


def _syntax_problem(ref: ParagraphRef | None, tag: str | None, detail: str,
                    vi: str | None = None, en: str | None = None) -> Problem:
    if vi is None or en is None:
        vi, en = _syntax_messages(tag, detail)
    return Problem("syntax_error", ERROR, vi, en, ref, tag, detail)


def _syntax_messages(tag: str | None, detail: str) -> tuple[str, str]:
    shown = tag or ""
    if m := re.search(r"unknown tag '(\w+)'", detail):
        return (f"Lệnh '{m.group(1)}' không tồn tại trong mẫu (gõ sai, hoặc thiếu lệnh mở tương ứng).",
                f"Unknown tag '{m.group(1)}' (a typo, or its opening tag is missing).")
    if m := re.search(r"No (filter|test) named '([^']+)'", detail):
        what_vi = "Bộ lọc" if m.group(1) == "filter" else "Phép kiểm tra"
        return (f"{what_vi} '{m.group(2)}' trong thẻ {shown} không tồn tại.",
                f"No {m.group(1)} named '{m.group(2)}' in the tag {shown}.")
    if "Unexpected end of template" in detail:
        return ("Mẫu kết thúc khi còn khối lệnh chưa đóng.", "The template ends inside an unclosed block.")
    return (f"Thẻ {shown} viết sai cú pháp.", f"The tag {shown} has a syntax error.")


def _locate(part: _Part, lineno: int | None, needle: re.Pattern[str] | None) -> tuple[ParagraphRef | None, str | None]:
    """The paragraph and tag of a node at ``lineno`` whose text matches ``needle``."""
    if not lineno:
        return part.ref(0), None
    on_line = [t for t in part.tags if t.line0 <= lineno <= t.line1]
    tag = next((t for t in on_line if needle is None or needle.search(_clean(t.text))), None)
    tag = tag or (on_line[0] if on_line else None)
    if tag is not None:
        return part.ref(tag.para), _clean(tag.text)
    para = part.line_para[lineno - 1] if 0 < lineno <= len(part.line_para) else 0
    return part.ref(para), None


def _check_forbidden(part: _Part, ast: nodes.Template) -> list[Problem]:
    problems: list[Problem] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
            name = str(node.args[0].value)
        if name is None or not (name.startswith("_") or name in _UNSAFE):
            continue
        ref, tag = _locate(part, node.lineno, re.compile(re.escape(name)))
        problems.append(Problem(
            "forbidden", ERROR,
            f"Thẻ truy cập thuộc tính nội bộ '{name}' của Python. Vì an toàn, mẫu không được dùng tên bắt đầu "
            "bằng '_' hay các thuộc tính nội bộ; mẫu này bị từ chối.",
            f"The tag reaches the Python internal attribute '{name}'. For safety, templates may not use names "
            "starting with '_' or internal attributes; the template is refused.",
            ref, tag))
    for node in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        word = type(node).__name__.lower().replace("fromimport", "from")
        ref, tag = _locate(part, node.lineno, re.compile(word))
        problems.append(Problem(
            "forbidden", ERROR,
            "Mẫu không được chèn, nhập hay kế thừa mẫu khác ({% include %}, {% import %}, {% extends %}).",
            "A template may not include, import or extend another template ({% include %}, {% import %}, "
            "{% extends %}).", ref, tag))
    return problems


def _check_names(part: _Part, ast: nodes.Template, fields: dict[str, Any],
                 env: SandboxedEnvironment) -> list[Problem]:
    known = set(fields) | DERIVED_NAMES | set(env.globals)
    problems: list[Problem] = []
    seen: set[tuple[str, int | None]] = set()
    for name in sorted(meta.find_undeclared_variables(ast) - known):
        if name.startswith("_"):
            hint_vi, hint_en = " Tên bắt đầu bằng '_' không được phép.", " Names starting with '_' are not allowed."
        else:
            close = difflib.get_close_matches(name, sorted(known - set(env.globals)), n=1)
            hint_vi = f" Có phải là '{close[0]}'?" if close else ""
            hint_en = f" Did you mean '{close[0]}'?" if close else ""
        for node in ast.find_all(nodes.Name):
            if node.name != name or node.ctx != "load":
                continue
            ref, tag = _locate(part, node.lineno, re.compile(rf"(?<![\w.]){re.escape(name)}\b"))
            key = (name, ref.index if ref else None)
            if key in seen:
                continue
            seen.add(key)
            problems.append(Problem(
                "unknown_variable", ERROR,
                f"Biến '{name}' không có trong danh sách trường của mẫu (manifest) nên không bao giờ có giá trị."
                + hint_vi,
                f"The variable '{name}' is not a field of the manifest, so it never has a value." + hint_en,
                ref, tag))
    return problems


_Spec = tuple[dict[str, Any], str]  # (manifest spec, path such as "tasks[]" or "annex.groups[]")


def _check_members(part: _Part, ast: nodes.Template, fields: dict[str, Any]) -> list[Problem]:
    scope: dict[str, _Spec | None] = {name: (spec, name) for name, spec in fields.items()}
    scope.update({name: ({"type": "string"}, name) for name in DERIVED_NAMES if name not in fields})
    found: list[tuple[nodes.Node, str, _Spec]] = []
    _walk(ast, scope, found)
    problems: list[Problem] = []
    seen: set[tuple[str, str, int | None]] = set()
    for node, name, (spec, path) in found:
        ref, tag = _locate(part, node.lineno, re.compile(rf"\.\s*{re.escape(name)}\b|\[\s*['\"]{re.escape(name)}['\"]"))
        key = (path, name, ref.index if ref else None)
        if key in seen:
            continue
        seen.add(key)
        kind = spec.get("type", "string")
        where_vi = f"mỗi phần tử của '{path[:-2]}'" if path.endswith("[]") else f"'{path}'"
        where_en = f"each item of '{path[:-2]}'" if path.endswith("[]") else f"'{path}'"
        if kind == "object":
            names = list(spec.get("fields", {}))
            close = difflib.get_close_matches(name, names, n=1)
            hint_vi = f" Có phải là '{close[0]}'?" if close else ""
            hint_en = f" Did you mean '{close[0]}'?" if close else ""
            vi = f"'{name}' không phải là trường của {where_vi} (các trường: {', '.join(names)}).{hint_vi}"
            en = f"'{name}' is not a field of {where_en} (fields: {', '.join(names)}).{hint_en}"
        else:
            vi = f"{where_vi[0].upper()}{where_vi[1:]} có kiểu {renderer._TYPE_VI.get(kind, kind)}, không có '{name}'."
            en = f"{where_en[0].upper()}{where_en[1:]} is a {kind}, it has no '{name}'."
        problems.append(Problem("unknown_attribute", ERROR, vi, en, ref, tag))
    return problems


def _walk(node: nodes.Node, scope: dict[str, _Spec | None], found: list) -> None:
    if isinstance(node, nodes.For):
        _walk(node.iter, scope, found)
        inner = dict(scope)
        targets = [node.target] if isinstance(node.target, nodes.Name) else list(node.target.find_all(nodes.Name))
        for target in targets:
            inner[target.name] = None
        if isinstance(node.target, nodes.Name):
            inner[node.target.name] = _item(_resolve(node.iter, scope))
        if node.test is not None:
            _walk(node.test, inner, found)
        for child in node.body:
            _walk(child, inner, found)
        for child in node.else_:
            _walk(child, scope, found)
        return
    if isinstance(node, (nodes.Macro, nodes.CallBlock)):
        inner = dict(scope)
        for arg in getattr(node, "args", []):
            inner[arg.name] = None
        for child in node.body:
            _walk(child, inner, found)
        return
    if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
        for child in node.iter_child_nodes(exclude=("target",)):
            _walk(child, scope, found)
        targets = [node.target] if isinstance(node.target, nodes.Name) else list(node.target.find_all(nodes.Name))
        for target in targets:
            scope[target.name] = None
        return
    name = None
    if isinstance(node, nodes.Getattr):
        name = node.attr
    elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        name = node.arg.value
    if name is not None and not name.startswith("_"):
        base = _resolve(node.node, scope)
        if base is not None and _unknown_member(base[0], name):
            found.append((node, name, base))
    for child in node.iter_child_nodes():
        _walk(child, scope, found)


def _resolve(expr: nodes.Node, scope: dict[str, _Spec | None]) -> _Spec | None:
    """The manifest spec an expression stands for, when it can be told statically."""
    if isinstance(expr, nodes.Name):
        return scope.get(expr.name)
    if isinstance(expr, nodes.Getattr):
        return _member(_resolve(expr.node, scope), expr.attr)
    if isinstance(expr, nodes.Getitem) and isinstance(expr.arg, nodes.Const):
        base = _resolve(expr.node, scope)
        if isinstance(expr.arg.value, str):
            return _member(base, expr.arg.value)
        if isinstance(expr.arg.value, int):
            return _item(base)
    if isinstance(expr, nodes.Filter) and expr.name in _SAME_ITEMS and expr.node is not None:
        return _resolve(expr.node, scope)
    return None


def _member(base: _Spec | None, name: str) -> _Spec | None:
    if base is None or base[0].get("type") != "object":
        return None
    spec = base[0].get("fields", {}).get(name)
    return (spec, f"{base[1]}.{name}") if spec is not None else None


def _item(base: _Spec | None) -> _Spec | None:
    if base is None or base[0].get("type") != "list":
        return None
    return base[0].get("items", {"type": "string"}), f"{base[1]}[]"


def _unknown_member(spec: dict[str, Any], name: str) -> bool:
    kind = spec.get("type", "string")
    if kind == "object" and name in spec.get("fields", {}):
        return False
    allowed = _PUBLIC.get(kind)
    return allowed is not None and name not in allowed


# ------------------------------------------------------------------ sample render


def _sample_render(data: bytes, manifest: dict[str, Any], example: dict[str, Any],
                   parts: list[_Part]) -> list[Problem]:
    """Fill the template with the example through the project's own renderer."""
    name = manifest.get("name") if isinstance(manifest.get("name"), str) else ""
    name = name if re.fullmatch(r"[a-z0-9_]+", name) else "template"
    with tempfile.TemporaryDirectory(prefix="vanthu-check-") as tmp:
        base = Path(tmp)
        (base / f"{name}.docx").write_bytes(data)
        (base / f"{name}.manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        try:
            out = renderer.render(name, example, templates_dir=base)
        except renderer.RenderError as exc:
            if exc.code == "invalid_context":
                paths = ", ".join(exc.paths)
                return [Problem("example_invalid", WARNING,
                                f"Dữ liệu mẫu không khớp với manifest ({paths}); chưa điền thử được.",
                                f"The example does not fit the manifest ({paths}); no sample render was done.",
                                detail=exc.message)]
            cause = exc.__cause__ or exc
            ref, tag = _runtime_location(parts, cause)
            return [Problem("render_failed", ERROR,
                            f"Điền thử với dữ liệu mẫu bị lỗi: {exc.vi}",
                            f"The sample render failed: {exc.en}", ref, tag, str(cause)[:300])]
        except Exception as exc:  # noqa: BLE001 - docxtpl post-processing may fail in many ways
            ref, tag = _runtime_location(parts, exc)
            return [Problem("render_failed", ERROR, "Điền thử với dữ liệu mẫu bị lỗi.",
                            "The sample render failed.", ref, tag, f"{type(exc).__name__}: {exc}"[:300])]
    try:
        docx.Document(io.BytesIO(out))
    except Exception as exc:  # noqa: BLE001 - any failure means Word would not open it either
        return [Problem("render_output_broken", ERROR,
                        "Điền thử được nhưng tệp kết quả bị hỏng, không mở lại được (thường do đặt lệnh "
                        "{%p %} / {%tr %} sai chỗ).",
                        "The sample render produced a broken file that does not open again (often a "
                        "misplaced {%p %} / {%tr %} tag).", detail=f"{type(exc).__name__}: {exc}"[:300])]
    return []


def _runtime_location(parts: list[_Part], exc: BaseException) -> tuple[ParagraphRef | None, str | None]:
    """The paragraph of the template line a render error came from (Jinja keeps it in the traceback)."""
    lineno = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            lineno = frame.lineno
    if not lineno:
        return None, None
    m = re.search(r"'(\w+)' is undefined|attribute '(\w+)'", str(exc))
    word = (m.group(1) or m.group(2)) if m else None
    needle = re.compile(rf"\b{re.escape(word)}\b") if word else None
    for part in parts:
        if any(t.line0 <= lineno <= t.line1 and (needle is None or needle.search(_clean(t.text)))
               for t in part.tags):
            return _locate(part, lineno, needle)
    return (_locate(parts[0], lineno, needle) if parts else (None, None))
