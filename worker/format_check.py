"""Thể thức check of a Word file against Nghị định 30/2020/NĐ-CP, Phụ lục I.

Public entry: ``check_format(data) -> FormatReport``, for our own drafts and for
any .docx a clerk uploads; ``format_table(report)`` prints it for the CLI and
``report.to_dict()`` gives it to programs. The rules (page, margins, font, the
size and style of each component, the date and ``Số:`` forms) are data in
``nlp/patterns/format.json``; this module only applies them.

How a document is read:

* Every paragraph is visited in reading order: the body, table cells (row by
  row, nested tables included) and text boxes (after the paragraph that anchors
  them). Each paragraph gets an index, used in every finding's ``where``.
* Each run's *effective* font, size, bold, italic and caps are resolved the way
  Word does: direct run properties, then the character style, the paragraph
  style (or the default paragraph style), the table style, each with its
  ``basedOn`` chain, then ``docDefaults``; theme fonts (``minorHAnsi``) are
  looked up in the theme part. Bold, italic and caps are toggles: set directly
  they win, set in styles they flip each other.
* Components are located from the text, not from the layout, so a header in
  a borderless table, in tab-separated paragraphs or in text boxes is found
  alike: Quốc hiệu and Tiêu ngữ by their words, ``Số`` and the place-date line
  by their shape, the issuer as the lines above ``Số`` in the same column, the
  type name by the list of document types, Nơi nhận by its label and the signer
  as the cells beside it (or the block after the body). A component that is
  not found is a warning, never a crash.

Corrupt, hostile or non-Word input raises the reader's typed errors
(``worker.errors``): the bytes are sniffed by ``worker.sniff`` and opened with
the DOCX reader's zip-bomb-safe opener.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from nlp.normalize import fold, match_key
from nlp.patterns import header as HP
from nlp.patterns.doctypes import TITLE_TYPES
from worker.errors import CorruptFile, ReadError, TooLarge, UnsupportedFormat
from worker.readers.base import Limits
from worker.readers.docx import _int, _on, _open, _symbol, _val, body_children, children
from worker.sniff import sniff

__all__ = ["check_format", "format_table", "load_rules", "FormatReport", "Finding", "Where", "RULES_PATH"]

RULES_PATH = Path(__file__).resolve().parent.parent / "nlp" / "patterns" / "format.json"
SCHEMA = "vanthu.format_check/1"

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P, R, TBL, TR, TC = qn("w:p"), qn("w:r"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
TXBX = qn("w:txbxContent")
_SKIP = {qn("w:del"), qn("w:moveFrom"), qn("w:pPr"), qn("w:rPr"), qn("w:instrText"), qn("w:delText"),
         f"{{{_MC}}}Fallback"}
_XML = etree.XMLParser(resolve_entities=False, no_network=True)

_QUOC_HIEU = re.compile(HP.QUOC_HIEU, re.I)
_QUOC_HIEU_TAIL = re.compile(HP.QUOC_HIEU_TAIL, re.I)
_TIEU_NGU = re.compile(HP.TIEU_NGU, re.I)
_DECORATION = re.compile(HP.DECORATION)
# A "Số" line: the word, maybe a colon, a number or a blank, then "/" or "-" ("Số trang" is not one).
_SO_FIND = re.compile(r"^\s*So\s*[:;.,]?\s*[\d\s._…-]*[/-]", re.I)
_SO_STRICT = re.compile(
    r"^Số:\s*(?P<number>\d+|[\s._…]*)/(?:(?P<year>(?:19|20)\d{2})/)?"
    r"(?P<symbol>[A-ZĐ0-9][A-Za-zĐđ0-9&]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*)$"
)
_SO_NO_COLON = re.compile(r"^Số(?!\s*:)")
# A place-date line, loosely (on the fold): "..., ngày 05 tháng 3 năm 2020" or "ngày 05/3/2020" at the end.
_DATE_FIND = re.compile(
    r"\bngay\b[^\n]{0,16}\bthang\b[^\n]{0,12}\bnam\b\s*\d{4}\s*\.?\s*$"
    r"|\bngay\s*\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}\s*\.?\s*$",
    re.I,
)
_DATE_STRICT = re.compile(
    r"^(?P<place>[^,]+?),\s*ngày(?P<day>[\s._…]*\d{0,2}[\s._…]*)tháng(?P<month>[\s._…]*\d{0,2}[\s._…]*)"
    r"năm\s+(?P<year>\d{4})$"
)
_NOI_NHAN = re.compile(r"^\s*noi\s*nhan\s*:?", re.I)
_ITEM = re.compile(r"^\s*[-–—+•*]")
_AUTHORITY = re.compile(r"^\s*(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L|TTL)\s*\.", re.I)
_CONG_VAN = re.compile(r"^\s*" + HP.CONG_VAN, re.I)
_CAN_CU = re.compile(r"^\s*Can\s*cu\b", re.I)
_BODY_START = re.compile(HP.BODY_START, re.I)
_TYPE_KEYS = {match_key(t): t for t in TITLE_TYPES}
_LONG_LINE = HP.BODY_LINE_CHARS
_SNIPPET = 80
_CLOSING_LINE_MAX = 90  # a signer or recipient line is short; longer text is body


# ------------------------------------------------------------------ rules


@functools.cache
def load_rules(path: str | None = None) -> dict[str, Any]:
    """The rule set (``nlp/patterns/format.json``), read once."""
    return json.loads(Path(path or RULES_PATH).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ report


@dataclass
class Where:
    """Where a finding is: the paragraph index (reading order over body, cells and text boxes) and its text."""

    paragraph: int | None
    text: str
    table: int | None = None  # 1-based ordinal of the table holding the paragraph
    row: int | None = None  # 1-based
    column: int | None = None  # 1-based grid column
    textbox: bool = False
    section: int | None = None  # 1-based section (page findings)
    match: str | None = None  # the component's own text when it is only part of the paragraph


@dataclass
class Finding:
    code: str
    severity: str  # "error" | "warning"
    component: str  # page, quoc_hieu, tieu_ngu, issuer, so, date_line, doc_type, body, noi_nhan, signer
    vi: str
    en: str
    where: Where | None
    expected: Any = None
    found: Any = None
    part: str | None = None  # finer than component: noi_nhan_items, signer_name, left (margin) ...
    count: int = 1  # paragraphs (or sections) with the same deviation
    paragraphs: list[int] = field(default_factory=list)
    component_vi: str = ""  # "Quốc hiệu", "Nơi nhận" ... for display
    expected_text: str = ""  # expected/found as the messages print them: "12–13 pt", "Times New Roman"
    found_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FormatReport:
    findings: list[Finding]
    parts: dict[str, Where]  # the components located, by part
    sections: list[dict[str, Any]]
    paragraphs: int

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "paragraphs": self.paragraphs,
            "sections": self.sections,
            "parts": {k: asdict(v) for k, v in self.parts.items()},
            "findings": [f.to_dict() for f in self.findings],
        }


# ------------------------------------------------------------------ entry


def check_format(data: bytes, *, limits: Limits | None = None, rules: dict[str, Any] | None = None) -> FormatReport:
    """Check a .docx against Nghị định 30/2020 Phụ lục I; raise a ``ReadError`` for anything but a Word file."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise TooLarge(f"{len(data)} bytes > {limits.max_bytes}")
    kind = sniff(data)
    if kind.kind != "docx":
        raise UnsupportedFormat(
            f"format check needs a .docx, got {kind.kind}",
            vi="Chỉ kiểm tra được thể thức của tệp Word (.docx); hãy lưu văn bản dưới dạng .docx.",
            en="Only Word (.docx) files can be format-checked; save the document as .docx.",
        )
    document = _open(data, limits)
    try:
        return _Checker(document, rules or load_rules()).run()
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed XML inside a valid package must not crash a worker
        raise CorruptFile(f"format check failed: {type(exc).__name__}: {exc}"[:300]) from exc


# ------------------------------------------------------------------ effective run properties


@dataclass
class _Run:
    start: int
    end: int
    text: str
    ascii: str | None
    hansi: str | None
    size: float | None
    bold: bool
    italic: bool
    caps: bool


class _Props:
    """Resolves a run's effective properties through styles, docDefaults and the theme."""

    def __init__(self, document: DocxDocument) -> None:
        self.styles: dict[str, etree._Element] = {}
        self.defaults: dict[str, str] = {}
        self.doc_rpr: etree._Element | None = None
        self.theme: dict[str, str] = {}
        self._chains: dict[str | None, list[etree._Element]] = {}
        try:
            root = document.styles.element
        except Exception:  # noqa: BLE001 - a package without styles.xml still has runs to check
            root = None
        if root is not None:
            for el in root.iterchildren(qn("w:style")):
                sid = el.get(qn("w:styleId"))
                if sid is None:
                    continue
                self.styles[sid] = el
                if el.get(qn("w:default")) in ("1", "true", "on"):
                    self.defaults.setdefault(el.get(qn("w:type")) or "paragraph", sid)
            self.doc_rpr = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.theme = _theme_fonts(document)

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The ``w:rPr`` of a style and its ``basedOn`` ancestors, nearest first (cycles cut)."""
        if style_id in self._chains:
            return self._chains[style_id]
        out: list[etree._Element] = []
        seen: set[str] = set()
        sid = style_id
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            el = self.styles[sid]
            rpr = el.find(qn("w:rPr"))
            if rpr is not None:
                out.append(rpr)
            sid = _val(el.find(qn("w:basedOn")))
        self._chains[style_id] = out
        return out

    def paragraph_style(self, p: etree._Element) -> str | None:
        return _val(p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) or self.defaults.get("paragraph")

    def table_style(self, tbl: etree._Element) -> str | None:
        return _val(tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")) or self.defaults.get("table")

    def resolve(self, run: etree._Element, p_style: str | None, t_style: str | None) -> dict[str, Any]:
        direct = run.find(qn("w:rPr"))
        r_style = _val(direct.find(qn("w:rStyle"))) if direct is not None else None
        groups = [self.chain(r_style), self.chain(p_style), self.chain(t_style)]
        flat = ([direct] if direct is not None else []) + [x for g in groups for x in g]
        if self.doc_rpr is not None:
            flat.append(self.doc_rpr)
        return {
            "ascii": self._font(flat, "ascii"),
            "hansi": self._font(flat, "hAnsi"),
            "size": self._size(flat),
            "bold": self._toggle(direct, groups, "w:b"),
            "italic": self._toggle(direct, groups, "w:i"),
            "caps": self._toggle(direct, groups, "w:caps") or self._toggle(direct, groups, "w:smallCaps"),
            "hidden": self._toggle(direct, groups, "w:vanish"),
        }

    def _font(self, levels: list[etree._Element], attr: str) -> str | None:
        for rpr in levels:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                continue
            theme = fonts.get(qn(f"w:{attr}Theme"))
            if theme:
                return self.theme.get("major" if theme.startswith("major") else "minor")
            name = fonts.get(qn(f"w:{attr}"))
            if name:
                return name
        return None

    @staticmethod
    def _size(levels: list[etree._Element]) -> float | None:
        for rpr in levels:
            sz = _int(_val(rpr.find(qn("w:sz"))))
            if sz is not None:
                return sz / 2
        return None

    def _toggle(self, direct: etree._Element | None, groups: list[list[etree._Element]], tag: str) -> bool:
        """A toggle property: direct formatting wins; style levels flip each other; else docDefaults."""
        if direct is not None and direct.find(qn(tag)) is not None:
            return _on(direct.find(qn(tag)))
        value: bool | None = None
        for chain in groups:
            for rpr in chain:
                el = rpr.find(qn(tag))
                if el is not None:
                    value = _on(el) if value is None else value != _on(el)
                    break
        if value is None:
            el = self.doc_rpr.find(qn(tag)) if self.doc_rpr is not None else None
            value = _on(el) if el is not None else False
        return value


def _theme_fonts(document: DocxDocument) -> dict[str, str]:
    """{"major": typeface, "minor": typeface} of the theme's Latin fonts ({} without a theme)."""
    try:
        blob = document.part.part_related_by(RT.THEME).blob
        root = etree.fromstring(blob, _XML)
    except Exception:  # noqa: BLE001 - no theme or a broken one: theme fonts stay unknown
        return {}
    out: dict[str, str] = {}
    for kind in ("major", "minor"):
        latin = root.find(f".//{{{_A}}}{kind}Font/{{{_A}}}latin")
        if latin is not None and latin.get("typeface"):
            out[kind] = latin.get("typeface")
    return out


# ------------------------------------------------------------------ paragraphs in reading order


@dataclass(frozen=True)
class _Ctx:
    table: int | None = None  # ordinal of the innermost table
    top_table: int | None = None  # ordinal of the top-level table
    row: int | None = None
    col: int | None = None
    t_style: str | None = None
    textbox: bool = False


@dataclass
class _Para:
    index: int
    text: str
    runs: list[_Run]
    ctx: _Ctx
    section: int

    @property
    def in_table(self) -> bool:
        return self.ctx.table is not None

    @property
    def cell(self) -> tuple[int | None, int | None, int | None]:
        return (self.ctx.table, self.ctx.row, self.ctx.col)

    def where(self) -> Where:
        return Where(self.index, _snippet(self.text),
                     table=None if self.ctx.table is None else self.ctx.table + 1,
                     row=None if self.ctx.row is None else self.ctx.row + 1,
                     column=None if self.ctx.col is None else self.ctx.col + 1,
                     textbox=self.ctx.textbox)


class _Walker:
    def __init__(self, props: _Props) -> None:
        self.props = props
        self.paras: list[_Para] = []
        self.section = 0
        self.tables = 0
        self.sections: list[etree._Element | None] = []
        self.section_wide: set[int] = set()  # sections holding a table or a drawing (may be landscape)
        self.section_start: dict[int, int] = {0: 0}

    def body(self, body: etree._Element) -> None:
        for child in body_children(body):
            if child.tag == P:
                self.paragraph(child, _Ctx())
                sect = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
                if sect is not None:
                    self.sections.append(sect)
                    self.section += 1
                    self.section_start[self.section] = len(self.paras)
            else:
                self.table(child, _Ctx())
        self.sections.append(body.find(qn("w:sectPr")))  # the last section's (None: Word's defaults)

    def block(self, parent: etree._Element, ctx: _Ctx) -> None:
        for child in body_children(parent):
            if child.tag == P:
                self.paragraph(child, ctx)
            else:
                self.table(child, ctx)

    def paragraph(self, p: etree._Element, ctx: _Ctx) -> None:
        runs, boxes = _collect(p)
        if any(True for _ in p.iter(qn("w:drawing"), qn("w:pict"))):
            self.section_wide.add(self.section)
        p_style = self.props.paragraph_style(p)
        text = ""
        out: list[_Run] = []
        for r in runs:
            props = self.props.resolve(r, p_style, ctx.t_style)
            if props.pop("hidden"):
                continue
            piece = unicodedata.normalize("NFC", _run_text(r))
            if not piece:
                continue
            out.append(_Run(len(text), len(text) + len(piece), piece, props["ascii"], props["hansi"],
                            props["size"], props["bold"], props["italic"], props["caps"]))
            text += piece
        self.paras.append(_Para(len(self.paras), text, out, ctx, self.section))
        for box in boxes:
            self.block(box, _Ctx(ctx.table, ctx.top_table, ctx.row, ctx.col, ctx.t_style, textbox=True))

    def table(self, tbl: etree._Element, ctx: _Ctx) -> None:
        ordinal = self.tables
        self.tables += 1
        self.section_wide.add(self.section)
        t_style = self.props.table_style(tbl)
        top = ctx.top_table if ctx.top_table is not None else ordinal
        for r, tr in enumerate(children(tbl, TR)):
            col = _int(_val(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"))) or 0
            for tc in children(tr, TC):
                tcpr = tc.find(qn("w:tcPr"))
                span = max(1, _int(_val(tcpr.find(qn("w:gridSpan")))) or 1) if tcpr is not None else 1
                self.block(tc, _Ctx(ordinal, top, r, col, t_style, ctx.textbox))
                col += span


def _collect(p: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """A paragraph's own runs in order (not deleted, not a fallback copy) and its text boxes."""
    runs: list[etree._Element] = []
    boxes: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP or tag == P:
                continue
            if tag == R:
                runs.append(child)
                walk(child)  # a drawing inside the run may hold a text box
            elif tag == TXBX:
                boxes.append(child)
            else:
                walk(child)

    walk(p)
    return runs, boxes


def _run_text(r: etree._Element) -> str:
    out: list[str] = []
    for child in r.iterchildren():
        tag = child.tag
        if tag == qn("w:t"):
            out.append(child.text or "")
        elif tag in (qn("w:tab"), qn("w:ptab")):
            out.append("\t")
        elif tag in (qn("w:br"), qn("w:cr")):
            out.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif tag == qn("w:sym"):
            out.append(_symbol(child))
    return "".join(out)


# ------------------------------------------------------------------ spans and segments


@dataclass
class _Span:
    para: _Para
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.para.text[self.start:self.end]

    def where(self) -> Where:
        where = self.para.where()
        where.match = _snippet(self.text)
        return where

    def runs(self) -> list[_Run]:
        """Runs with visible text inside the span."""
        return [r for r in self.para.runs
                if r.start < self.end and r.end > self.start
                and self.para.text[max(r.start, self.start):min(r.end, self.end)].strip()]


_GAP = re.compile(r"\t+|\n+| {4,}")


def _segments(para: _Para) -> list[_Span]:
    """Pieces of a line split at tabs, line breaks and wide space runs before a capital letter.

    A header written as paragraphs puts two columns on one line ("Số: 12/KH\\t\\tHà Nội, ngày ...");
    "ngày      tháng" (a blank day) is not split, as the space run is followed by lower case.
    """
    text = para.text
    cuts = [0]
    for m in _GAP.finditer(text):
        if m.group().startswith(" ") and not (m.end() < len(text) and text[m.end()].isupper()):
            continue
        cuts += [m.start(), m.end()]
    cuts.append(len(text))
    out = []
    for s, e in zip(cuts[::2], cuts[1::2], strict=True):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append(_Span(para, s, e))
    return out


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text[:_SNIPPET] + ("…" if len(text) > _SNIPPET else "")


def _letters_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _fmt_range(lo: float, hi: float, unit: str) -> str:
    return f"{lo:g} {unit}" if lo == hi else f"{lo:g}–{hi:g} {unit}"


# ------------------------------------------------------------------ the checker


class _Checker:
    def __init__(self, document: DocxDocument, rules: dict[str, Any]) -> None:
        self.document = document
        self.rules = rules
        self.walker = _Walker(_Props(document))
        self.findings: list[Finding] = []
        self.parts: dict[str, list[_Span]] = {}

    # -- findings

    def add(self, code: str, part: str | None, where: Where | None, expected: Any = None, found: Any = None,
            *, component: str | None = None, paragraphs: Iterable[int] = (), **extra: Any) -> None:
        rules = self.rules
        unit = extra.pop("unit", None)
        spec = rules["parts"].get(part or "", {})
        component = component or spec.get("component") or "page"
        part_vi = rules["parts_vi"].get(part or "", rules["components_vi"].get(component, component))
        part_en = rules["parts_en"].get(part or "", component)
        values = {"part_vi": part_vi, "part_vi_cap": part_vi[:1].upper() + part_vi[1:], "part_en": part_en,
                  "expected": _show(expected, unit), "found": _show(found, unit), **extra}
        message = rules["messages"][code]
        paragraphs = list(paragraphs) or ([where.paragraph] if where and where.paragraph is not None else [])
        self.findings.append(Finding(
            code=code, severity=rules["severity"].get(code, "warning"), component=component,
            vi=unicodedata.normalize("NFC", message["vi"].format(**values)),
            en=message["en"].format(**values), where=where, expected=expected, found=found, part=part,
            count=max(1, len(paragraphs)), paragraphs=paragraphs,
            component_vi=rules["components_vi"].get(component, component),
            expected_text=values["expected"] if expected is not None else "",
            found_text=values["found"] if found is not None else "",
        ))

    # -- run

    def run(self) -> FormatReport:
        self.walker.body(self.document.element.body)
        paras = self.walker.paras
        self.nonempty = [p for p in paras if p.text.strip() and not _DECORATION.match(p.text)]
        sections = self.check_page()
        self.locate()
        self.check_parts()
        self.check_fonts()
        self.findings.sort(key=_order)
        located = {part: spans[0].where() for part, spans in self.parts.items() if spans}
        return FormatReport(self.findings, located, sections, len(paras))

    # -- page

    def check_page(self) -> list[dict[str, Any]]:
        rule = self.rules["page"]
        out: list[dict[str, Any]] = []
        grouped: dict[tuple, list[int]] = {}
        for i, sect in enumerate(self.walker.sections):
            size = sect.find(qn("w:pgSz")) if sect is not None else None
            mar = sect.find(qn("w:pgMar")) if sect is not None else None
            width = _twips_mm(size.get(qn("w:w"))) if size is not None else None
            height = _twips_mm(size.get(qn("w:h"))) if size is not None else None
            info: dict[str, Any] = {"section": i + 1}
            start = self.walker.section_start.get(i, 0)
            if width is None or height is None:
                grouped.setdefault(("page_size_missing", None, None), []).append(i)
                out.append(info)
                continue
            w, h = round(width, 1), round(height, 1)
            info.update(width_mm=w, height_mm=h, orientation="landscape" if w > h else "portrait")
            short, long_ = sorted((w, h))
            tol = rule["size_tolerance_mm"]
            if abs(short - rule["width_mm"]) > tol or abs(long_ - rule["height_mm"]) > tol:
                grouped.setdefault(("page_size", None, (w, h)), []).append(i)
            elif w > h and not (rule.get("landscape_allowed_with_tables") and i in self.walker.section_wide):
                grouped.setdefault(("page_orientation", None, (w, h)), []).append(i)
            margins: dict[str, float] = {}
            for side, (lo, hi) in rule["margins_mm"].items():
                value = _twips_mm(mar.get(qn(f"w:{side}"))) if mar is not None else None
                if value is None:
                    continue
                mm = round(abs(value), 1)  # a negative top or bottom margin still leaves that much room
                margins[side] = mm
                if not lo - rule["margin_tolerance_mm"] <= mm <= hi + rule["margin_tolerance_mm"]:
                    grouped.setdefault(("margin", side, mm), []).append(i)
            info["margins_mm"] = margins
            info["first_paragraph"] = start
            out.append(info)
        a4 = [rule["width_mm"], rule["height_mm"]]
        for (code, side, found), idx in grouped.items():
            starts = [self.walker.section_start.get(i, 0) for i in idx]
            where = Where(starts[0], "", section=idx[0] + 1)
            expected = rule["margins_mm"][side] if code == "margin" else a4
            shown = list(found) if isinstance(found, tuple) else found
            self.add(code, side, where, expected, shown, component="page", paragraphs=starts, unit="mm")
        return out

    # -- locating components

    def locate(self) -> None:
        ne = self.nonempty
        scan = ne[: self.rules["header_scan_paragraphs"]]
        qh = self._first(scan, _QUOC_HIEU)
        tn = self._first(scan, _TIEU_NGU, after=qh.para.index - 1 if qh else -1)
        if qh:
            self.parts["quoc_hieu"] = [qh]
            tail = self._tail_of(qh)
            if tail is not None:
                self.parts["quoc_hieu"].append(tail)
        if tn:
            self.parts["tieu_ngu"] = [tn]
        header_tables = {s.para.ctx.top_table for s in (qh, tn) if s and s.para.in_table}

        anchor = max((s.para.index for s in (qh, tn) if s), default=-1)
        doc_type = self._doc_type(ne, anchor)
        zone = self._header_zone(ne, doc_type, header_tables)
        so = next((s for p in zone for s in _segments(p) if _SO_FIND.match(fold(s.text))), None)
        if so:
            self.parts["so"] = [so]
        date = self._date(zone, tn or qh)
        if date:
            self.parts["date_line"] = [date]
        self._issuer(zone, so, qh, tn, date)
        body_from = zone[-1].index + 1 if zone else 0
        if doc_type:
            self.parts["doc_type"] = [doc_type]
            body_from = doc_type.para.index + 1
            trich = self._trich_yeu(doc_type)
            if trich:
                self.parts["trich_yeu"] = [trich]
                body_from = trich.para.index + 1
        else:
            cv = self._cong_van(so)
            if cv:
                self.parts["trich_yeu_cong_van"] = [cv]
                body_from = max(body_from, cv.para.index + 1)
        closing_from = self._closing(ne, body_from)
        self.body = [p for p in ne if body_from <= p.index < closing_from and not self._claimed(p)
                     and (p.ctx.top_table not in header_tables or p.ctx.top_table is None)]
        cancu = []
        for n, p in enumerate(self.body):
            if not p.in_table and _CAN_CU.match(fold(p.text)):
                cancu.append(_Span(p, 0, len(p.text)))
            elif cancu or n >= 2 or not _letters_upper(p.text):
                break  # Căn cứ lines open the body (after a decision's authority line, if any)
        if cancu:
            self.parts["can_cu"] = cancu
        claimed = {s.para.index for s in cancu}
        self.parts["body"] = [_Span(p, 0, len(p.text)) for p in self.body
                              if not p.in_table and not p.ctx.textbox and p.index not in claimed]
        self.closing_found = closing_from < len(self.walker.paras)

    def _first(self, paras: list[_Para], pattern: re.Pattern[str], after: int = -1) -> _Span | None:
        """The first segment that is ``pattern`` and nothing else (not a sentence that quotes it)."""
        for p in paras:
            if p.index <= after:
                continue
            for seg in _segments(p):
                folded = fold(seg.text)
                m = pattern.search(folded)
                if m and not any(ch.isalnum() for ch in folded[: m.start()] + folded[m.end():]):
                    return _Span(p, seg.start + m.start(), seg.start + m.end())
        return None

    def _cong_van(self, so: _Span | None) -> _Span | None:
        """A công văn's "V/v ..." line: right under "Số" (same cell when the header is a table)."""
        if so is None:
            return None
        candidates = [seg for seg in _segments(so.para) if seg.start >= so.end]
        following = [p for p in self.nonempty if p.index > so.para.index][:2]
        for p in following:
            if so.para.in_table and p.cell != so.para.cell:
                break
            candidates.extend(_segments(p))
        return next((seg for seg in candidates[:2] if _CONG_VAN.match(fold(seg.text))), None)

    def _tail_of(self, qh: _Span) -> _Span | None:
        """"VIỆT NAM" when the Quốc hiệu wraps onto a line of its own (same paragraph or the next)."""
        if "VIET NAM" in fold(qh.text).upper():
            return None
        after = [seg for seg in _segments(qh.para) if seg.start >= qh.end]
        nxt = self._next_nonempty(qh.para)
        candidate = after[0] if after else (_segments(nxt)[0] if nxt is not None and _segments(nxt) else None)
        if candidate is not None and _QUOC_HIEU_TAIL.match(fold(candidate.text)):
            return candidate
        return None

    def _next_nonempty(self, para: _Para) -> _Para | None:
        return next((p for p in self.nonempty if p.index > para.index), None)

    def _doc_type(self, ne: list[_Para], after: int) -> _Span | None:
        """The type name on a line of its own ("KẾ HOẠCH"), near the top, after Quốc hiệu."""
        for p in ne[: self.rules["header_scan_paragraphs"] * 2]:
            if p.index <= after:
                continue
            first = p.text.split("\n", 1)[0]
            key = match_key(first)
            if key in _TYPE_KEYS:
                start = len(first) - len(first.lstrip())
                return _Span(p, start, len(first.rstrip()))
        return None

    def _header_zone(self, ne: list[_Para], doc_type: _Span | None, header_tables: set[int | None]) -> list[_Para]:
        limit = self.rules["header_scan_paragraphs"]
        zone: list[_Para] = []
        for n, p in enumerate(ne):
            if doc_type and p.index >= doc_type.para.index:
                break
            in_header_table = p.in_table and p.ctx.top_table in header_tables
            if not in_header_table:
                if n >= limit or len(p.text) > _LONG_LINE:
                    break
                if zone and _BODY_START.match(fold(p.text.strip())) and not _CONG_VAN.match(fold(p.text)):
                    break
            zone.append(p)
        return zone

    def _date(self, zone: list[_Para], after: _Span | None) -> _Span | None:
        found = [s for p in zone for s in _segments(p) if _DATE_FIND.search(fold(s.text))]
        if after:
            later = [s for s in found if s.para.index >= after.para.index]
            found = later or found
        return found[0] if found else None

    def _issuer(self, zone: list[_Para], so: _Span | None, qh: _Span | None, tn: _Span | None,
                date: _Span | None) -> None:
        """Lines above "Số" in its column (or left of the Quốc hiệu): parent agency, then issuer (bold)."""
        if so is None and qh is None:
            return  # nothing to anchor the issuer on: reported as missing
        taken = {(s.para.index, s.start) for s in (so, qh, tn, date) if s}
        if so:
            stop = so.para.index
        elif qh.para.in_table:
            stop = max((p.index for p in zone), default=-1)
        else:
            stop = (tn or qh).para.index
        lines: list[_Span] = []
        for p in zone:
            if p.index > stop:
                break
            if so and so.para.in_table and p.in_table and (p.cell[0], p.cell[2]) != (so.para.cell[0], so.para.cell[2]):
                continue  # another column of the header table
            for seg in _segments(p):
                if (seg.para.index, seg.start) in taken or any(
                        s and s.para is p and s.start <= seg.start < s.end for s in (so, qh, tn, date)):
                    continue
                if so and p is so.para and seg.start >= so.start:
                    continue
                if not any(ch.isalpha() for ch in seg.text) or _CONG_VAN.match(fold(seg.text)):
                    continue
                if _QUOC_HIEU_TAIL.match(fold(seg.text)) or _QUOC_HIEU.search(fold(seg.text)) or _TIEU_NGU.search(
                        fold(seg.text)):
                    continue
                if not so and qh.para.in_table and (
                        not p.in_table or p.ctx.top_table != qh.para.ctx.top_table or p.cell[2] == qh.para.cell[2]):
                    continue  # only the other column of the header table
                lines.append(seg)
        if not lines:
            return
        bold = [all(r.bold for r in s.runs()) for s in lines]
        if all(bold):
            parent, issuer = [], lines
        elif any(bold):
            first_bold = bold.index(True)
            parent, issuer = lines[:first_bold], lines[first_bold:]
        else:
            parent, issuer = (lines[:1], lines[1:]) if len(lines) > 1 else ([], lines)
        if parent:
            self.parts["parent_issuer"] = parent
        self.parts["issuer"] = issuer

    def _trich_yeu(self, doc_type: _Span) -> _Span | None:
        p = doc_type.para
        rest = p.text[doc_type.end:]
        if rest.strip():
            start = doc_type.end + len(rest) - len(rest.lstrip())
            return _Span(p, start, len(p.text.rstrip()))
        nxt = self._next_nonempty(p)
        if nxt is None or len(nxt.text) > _LONG_LINE or _BODY_START.match(fold(nxt.text.strip())):
            return None
        return _Span(nxt, 0, len(nxt.text))

    def _closing(self, ne: list[_Para], body_from: int) -> int:
        """Locate Nơi nhận and the signer block; return the paragraph index where the closing starts."""
        after = [p for p in ne if p.index >= body_from]
        label_para = next((p for p in after if self._is_label(p)), None)
        starts: list[int] = []
        if label_para is not None:
            m = _NOI_NHAN.match(fold(label_para.text))
            lead = len(label_para.text) - len(label_para.text.lstrip())
            self.parts["noi_nhan_label"] = [_Span(label_para, lead, m.end())]
            items = [s for s in _segments(label_para) if s.start >= m.end()]
            following = [p for p in after if p.index > label_para.index]
            for p in following:
                if label_para.in_table:
                    if p.cell != label_para.cell:
                        if p.ctx.top_table != label_para.ctx.top_table:
                            break
                        continue
                elif not _ITEM.match(p.text) and not fold(p.text).strip().lower().startswith("luu"):
                    break
                items.extend(_segments(p))
            if items:
                self.parts["noi_nhan_items"] = items
            starts.append(label_para.index)
        block = self._signer_block(after, label_para)
        if block:
            starts.append(block[0].index)
            self._signer(block)
        if not starts:
            return len(self.walker.paras)
        first = min(starts)
        first_para = self.walker.paras[first]
        if first_para.in_table:  # the whole closing table belongs to the closing
            first = min(p.index for p in self.walker.paras if p.ctx.top_table == first_para.ctx.top_table)
        return first

    def _is_label(self, p: _Para) -> bool:
        """ "Nơi nhận:" with its colon, or followed by its dash list (not the words in a legend or a sentence)."""
        m = _NOI_NHAN.match(fold(p.text))
        if m is None:
            return False
        if m.group().rstrip().endswith(":") or _ITEM.match(p.text[m.end():].lstrip(" \t")):
            return True
        nxt = self._next_nonempty(p)
        return nxt is not None and nxt.cell == p.cell and bool(_ITEM.match(nxt.text))

    def _signer_block(self, after: list[_Para], label: _Para | None) -> list[_Para]:
        if label is not None and label.in_table:
            beside = [p for p in after if p.ctx.top_table == label.ctx.top_table and p.ctx.row == label.ctx.row
                      and p.ctx.col != label.ctx.col and p.ctx.table == label.ctx.table]
            if beside:
                return beside
        items = {s.para.index for s in self.parts.get("noi_nhan_items", [])}
        skip = items | ({label.index} if label else set())
        tail = after[-self.rules["closing_scan_paragraphs"]:]
        start = next((p for p in tail if _AUTHORITY.match(fold(p.text)) and len(p.text) <= _CLOSING_LINE_MAX), None)
        if start is None and label is not None:
            start = next((p for p in reversed(tail) if p.index not in skip and _letters_upper(p.text)
                          and len(p.text) <= _CLOSING_LINE_MAX and not p.in_table), None)
            if start is None or start.index < label.index - 12:
                return []
            # walk back to the first upper-case line of the block
            i = tail.index(start)
            while i > 0 and tail[i - 1].index not in skip and _letters_upper(tail[i - 1].text) and len(
                    tail[i - 1].text) <= _CLOSING_LINE_MAX and not tail[i - 1].in_table:
                i -= 1
            start = tail[i]
        if start is None:
            return []
        if start.in_table:
            return [p for p in after if p.cell == start.cell and p.index >= start.index]
        block: list[_Para] = []
        for p in after:
            if p.index < start.index or p.index in skip:
                continue
            if len(p.text) > _CLOSING_LINE_MAX or _NOI_NHAN.match(fold(p.text)) or len(block) >= 8:
                break
            block.append(p)
        return block

    def _signer(self, block: list[_Para]) -> None:
        lines = [s for p in block for s in _segments(p) if any(ch.isalpha() for ch in s.text)]
        authority: list[_Span] = []
        for s in lines:
            if _letters_upper(s.text) and not s.text.lstrip().startswith(("(", "[")):
                authority.append(s)
            else:
                break
        if not authority:
            return  # no upper-case authority or title line: not a signer block
        self.parts["signer_authority"] = authority
        rest = [s for s in lines[len(authority):] if not s.text.lstrip().startswith(("(", "["))]
        if rest:
            self.parts["signer_name"] = [rest[-1]]

    def _claimed(self, p: _Para) -> bool:
        return any(s.para is p for spans in self.parts.values() for s in spans)

    # -- component checks

    def check_parts(self) -> None:
        for part in self.rules["required_parts"]:
            if not self.parts.get(part):
                if part == "issuer" and self.parts.get("parent_issuer"):
                    continue
                self.add("missing", part, None)
        if not self.parts.get("doc_type") and not self.parts.get("trich_yeu_cong_van"):
            self.add("missing", "doc_type", None)
        for part, spans in self.parts.items():
            if part in self.rules["parts"]:
                self._style(part, spans)
        self._tieu_ngu_text()
        self._so()
        self._date_line()
        self._end_mark()

    def _style(self, part: str, spans: list[_Span]) -> None:
        spec = self.rules["parts"][part]
        default = self.rules["font"]["default_size_pt"]
        lo, hi = spec["size"]
        bad: dict[tuple[str, Any], list[_Span]] = {}
        for span in spans:
            runs = span.runs()
            if not runs:
                continue
            sizes = sorted({r.size if r.size is not None else default for r in runs})
            off = [s for s in sizes if not lo <= s <= hi]
            if off:
                bad.setdefault(("size", tuple(off)), []).append(span)
            for key, attr in (("bold", "bold"), ("italic", "italic")):
                want = spec.get(key)
                if want is True and not all(getattr(r, attr) for r in runs):
                    bad.setdefault((f"not_{key}", None), []).append(span)
                elif want is False and any(getattr(r, attr) for r in runs):
                    bad.setdefault((f"unexpected_{key}", None), []).append(span)
            if spec.get("upper") and not (_letters_upper(span.text) or all(r.caps for r in runs)):
                bad.setdefault(("not_uppercase", None), []).append(span)
        for (code, found), group in bad.items():
            where = group[0].where()
            idx = sorted({s.para.index for s in group})
            if code == "size":
                shown = found[0] if len(found) == 1 else list(found)
                self.add("size", part, where, [lo, hi], shown, paragraphs=idx, unit="pt")
            elif code.startswith("not_"):
                self.add(code, part, where, True, False, paragraphs=idx)
            else:
                self.add(code, part, where, False, True, paragraphs=idx)

    def check_fonts(self) -> None:
        want = self.rules["font"]["name"]
        accepted = {name.casefold() for name in [want, *self.rules["font"].get("also_accept", [])]}
        owners: dict[int, list[tuple[int, int, str]]] = {}
        for part, spans in self.parts.items():
            for s in spans:
                owners.setdefault(s.para.index, []).append((s.start, s.end, part))
        bad: dict[tuple[str, str | None], list[int]] = {}
        for p in self.walker.paras:
            for r in p.runs:
                if not r.text.strip():
                    continue
                fonts = {f for f in (r.ascii, r.hansi) if f is not None}
                wrong = sorted(f for f in fonts if f.strip().casefold() not in accepted)
                if not fonts:
                    code, found = "font_unknown", None
                elif wrong:
                    code, found = "font_name", ", ".join(wrong)
                else:
                    continue
                part = next((o for s, e, o in owners.get(p.index, []) if s < r.end and e > r.start), "body")
                key = (code, part, found)
                if p.index not in bad.setdefault(key, []):
                    bad[key].append(p.index)
        for (code, part, found), idx in bad.items():
            where = self.walker.paras[idx[0]].where()
            self.add(code, part, where, want, found, paragraphs=idx)

    def _tieu_ngu_text(self) -> None:
        spans = self.parts.get("tieu_ngu")
        if not spans:
            return
        want = self.rules["parts"]["tieu_ngu"]["text"]
        got = " ".join(spans[0].text.split())
        if got != want:
            self.add("tieu_ngu_text", "tieu_ngu", spans[0].where(), want, got)

    def _so(self) -> None:
        spans = self.parts.get("so")
        if not spans:
            return
        span = spans[0]
        text = " ".join(span.text.split())  # a blank number ("Số:      /KH") becomes one space
        where = span.where()
        if _SO_NO_COLON.match(text):
            fixed = re.sub(r"^Số\s*", "Số: ", text)
            self.add("so_colon", "so", where, fixed, text)
            text = fixed
        m = _SO_STRICT.match(text)
        if m is None:
            self.add("so_format", "so", where, "«Số: <số>/<ký hiệu>» (Số: 15/QĐ-UBND; Số:    /KH-PGDĐT)", text)
            return
        number = m.group("number")
        pad = self.rules["so"]["number_pad_below"]
        if number.isdigit() and int(number) < pad and len(number) < 2:
            self.add("so_number_padding", "so", where, f"Số: {int(number):02d}/", f"Số: {number}/")
        if m.group("year"):
            self.add("so_year", "so", where, None, text)

    def _date_line(self) -> None:
        spans = self.parts.get("date_line")
        if not spans:
            return
        span = spans[0]
        text = " ".join(span.text.split()).rstrip(".")
        where = span.where()
        m = _DATE_STRICT.match(text)
        if m is None:
            self.add("date_format", "date_line", where, "«<Địa danh>, ngày DD tháng M năm YYYY»", text)
            return
        rule = self.rules["date"]
        day_s = re.search(r"\d+", m.group("day"))
        month_s = re.search(r"\d+", m.group("month"))
        day = int(day_s.group()) if day_s else None
        month = int(month_s.group()) if month_s else None
        year = int(m.group("year"))
        if day_s and day < rule["pad_day_below"] and len(day_s.group()) < 2:
            self.add("date_day_padding", "date_line", where, f"ngày {day:02d}", f"ngày {day_s.group()}")
        if month_s:
            padded = len(month_s.group()) == 2 and month_s.group().startswith("0")
            if month in rule["pad_months"] and not padded:
                self.add("date_month_padding", "date_line", where, f"tháng {month:02d}", f"tháng {month_s.group()}")
            elif month not in rule["pad_months"] and padded:
                self.add("date_month_padding", "date_line", where, f"tháng {month}", f"tháng {month_s.group()}")
        if (month is not None and not 1 <= month <= 12) or (day is not None and not _valid_day(day, month, year)):
            self.add("date_invalid", "date_line", where, None, text)
        place = m.group("place").strip()
        skip = set(rule["place_lowercase_words"])
        words = [w for w in place.split() if w[:1].isalpha()]
        if words and (not words[0][0].isupper() or any(
                not w[0].isupper() for w in words[1:] if w.lower() not in skip)):
            self.add("date_place_case", "date_line", where, None, place)

    def _end_mark(self) -> None:
        mark = self.rules["end_mark"]["text"]
        body = [p for p in self.body if not p.in_table and not p.ctx.textbox]
        if not body:
            return
        if self.closing_found:
            last = body[-1]
            if last.text.rstrip().endswith(mark):
                return
        elif any(p.text.rstrip().endswith(mark) for p in body):
            return
        last = body[-1]
        tail = " ".join(last.text.split())
        if len(tail) > 40:
            tail = "…" + tail[-40:].split(" ", 1)[-1]
        self.add("end_mark", "body", last.where(), mark, tail)


_MEASURE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt|pc|pi)?\s*$")
_MM_PER = {None: 25.4 / 1440, "mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "pi": 25.4 / 6}


def _twips_mm(text: str | None) -> float | None:
    """A page measure (twips, or a universal measure such as "2cm") in millimetres; None if unreadable."""
    m = _MEASURE.match(text or "")
    if m is None:
        return None
    return float(m.group(1)) * _MM_PER[m.group(2)]


def _valid_day(day: int, month: int | None, year: int) -> bool:
    if month is None or not 1 <= month <= 12:
        return 1 <= day <= 31
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _show(value: Any, unit: str | None) -> str:
    """A value as the messages print it: [12, 13] pt -> "12–13 pt", True -> "có"."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        if unit == "mm" and value[0] >= 100:
            return f"{value[0]:g} × {value[1]:g} mm"
        return _fmt_range(value[0], value[1], unit or "").strip()
    if isinstance(value, list | tuple):
        return ", ".join(_show(v, unit) for v in value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g} {unit}" if unit else f"{value:g}"
    return str(value)


def _order(f: Finding) -> tuple:
    page = 0 if f.component == "page" else 1
    para = f.where.paragraph if f.where and f.where.paragraph is not None else 10**9
    return (page, para, f.severity != "error", f.code)


# ------------------------------------------------------------------ CLI table


SEVERITY_VI = {"error": "lỗi", "warning": "cảnh báo"}


def _position(f: Finding) -> str:
    w = f.where
    if w is None:
        return "—"
    if f.component == "page":
        return f"phần {w.section}" + (f" +{f.count - 1}" if f.count > 1 else "")
    text = f"đoạn {w.paragraph + 1}"  # clerks count from 1; ``where.paragraph`` is the 0-based index
    if w.table is not None:
        text += f" (bảng {w.table}, hàng {w.row}, cột {w.column})"
    elif w.textbox:
        text += " (khung chữ)"
    if f.count > 1:
        text += f" +{f.count - 1}"
    return text


def format_table(report: FormatReport) -> str:
    """A plain-text Vietnamese table: thành phần, mức, mã, vị trí, lý do; then the totals."""
    head = ("Thành phần", "Mức", "Mã", "Vị trí", "Lý do")
    rows = [(f.component_vi or f.component, SEVERITY_VI.get(f.severity, f.severity), f.code, _position(f),
             f.vi) for f in report.findings]
    from worker.check import plain_table

    lines = plain_table(head, rows, "(không phát hiện sai sót về thể thức)")
    lines.append("")
    lines.append(f"Tổng cộng: {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo "
                 f"({report.paragraphs} đoạn, {len(report.sections)} phần).")
    return "\n".join(lines)
