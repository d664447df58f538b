"""Word (.docx) reader: the body in order, tables with their merges, list labels.

python-docx opens the package and parses the XML; it exposes paragraphs and
tables as separate lists and renders neither list labels nor merges, so the
body is walked here in XML order:

* paragraphs and tables come out in the order they are written;
* a merged cell appears once with its ``colspan`` (``w:gridSpan``) and
  ``rowspan`` (``w:vMerge``); a table nested in a cell is flattened into that
  cell's text;
* automatic numbering (``w:numPr``) is rendered as the label Word shows
  (``I.``, ``1.``, ``a)``, ``•``), because clerks' outlines often live there;
* a line break (``w:br``) inside a paragraph stays a newline in its text;
* the borderless two-column tables of an official document (issuer |
  Quốc hiệu at the top, Nơi nhận | signer at the end) are marked
  ``layout=True`` so they are written column by column, not as data;
* headers and footers are running text: kept out of the body and returned in
  ``RawDocument.running_text``.

Pages are estimated as 1 + page breaks: explicit breaks, page-starting section
breaks, and the breaks Word recorded at its last layout
(``w:lastRenderedPageBreak``); breaks with no content between them count once
and a break with nothing after it opens no page.

Before python-docx sees the bytes the ZIP is checked against ``Limits``
(declared sizes, compression ratio) and every member is read with a hard cap,
then handed over as an uncompressed copy, so a zip bomb never expands.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from nlp.model import RawCell, RawItem, RawPage, RawParagraph, RawTable
from nlp.normalize import match_key
from worker.errors import CorruptFile, TooLarge, UnpackTooLarge
from worker.readers.base import Limits, Progress, RawDocument
from worker.sniff import WORD_MAIN_TYPES

# ------------------------------------------------------------------ constants

_MAX_MEMBERS = 5000  # a Word file has a few dozen parts; thousands means abuse
_RATIO_MIN_BYTES = 1 << 20  # small parts may compress well; only big ones can bomb
_CHUNK = 1 << 16
_DOCX_MAIN = WORD_MAIN_TYPES[0]
_MANIFEST_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_FALLBACK = f"{{{_MC}}}Fallback"
P, TBL, TR, TC, SDT, SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt"), qn("w:sdtContent")
_VAL = qn("w:val")
# Wrappers whose children are read as if they were in the parent.
_TRANSPARENT = {SDT, SDT_CONTENT, qn("w:customXml"), qn("w:smartTag")}
# Run content never shown: deletions, field instructions, the fallback copy of a drawing.
_SKIP = {qn("w:del"), qn("w:moveFrom"), qn("w:delText"), qn("w:instrText"), qn("w:pPr"), qn("w:rPr"),
         qn("w:footnoteReference"), qn("w:endnoteReference"), qn("w:commentReference"), _FALLBACK}
_NEWLINE_TAGS = {qn("w:cr")}
_TAB_TAGS = {qn("w:tab"), qn("w:ptab")}

_HEADING_STYLE = re.compile(r"^(?:heading\s*[1-9]|title)$", re.IGNORECASE)
_MAX_OUTLINE = 8  # w:outlineLvl 0-8 are headings, 9 is body text

# Text that only the layout tables of an official document hold (compared on match_key).
# Each is searched in one cell line at a time.
_LAYOUT_MARKERS = [re.compile(p) for p in (
    r"cộng hòa xã hội chủ nghĩa việt nam",
    r"độc lập\s*[-–—]\s*tự do\s*[-–—]\s*hạnh phúc",
    r"đảng cộng sản việt nam",
    r"^nơi nhận\b",
    r"^(?:kt|tm|tl|ttl|q)\.\s",
)]
_LAYOUT_MAX_COLS = 3
_LAYOUT_MAX_ROWS = 6
_BORDER_SIDES = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV")
_NO_BORDER = {"nil", "none"}

# A running line that is only a page number ("12", "- 3 -", "Trang 2/5") says nothing.
_PAGE_NUMBER = re.compile(r"^[-–\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–\s]*$", re.IGNORECASE)

_NO_TEXT_WARNING = ("Tệp Word không có chữ (có thể chỉ chứa ảnh chụp văn bản) / "
                    "The Word file has no text (it may hold only pictures of pages)")

_BULLET = "•"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_SUFFIX = {"tab": " ", "space": " ", "nothing": ""}
# Beyond these a crafted start value would build huge labels; such counters are shown as decimals.
_MAX_ROMAN = 3999
_MAX_LETTERS = 26 * 20


# ------------------------------------------------------------------ entry


def read_docx(data: bytes, *, progress: Progress, limits: Limits) -> RawDocument:
    """Read a .docx into pages of paragraphs and tables (see the module docstring)."""
    document = _open(data, limits)
    body = document.element.body
    walker = _Walker(_Styles(document), _Numbering(document), limits, _section_breaks(body))
    children = list(_body_children(body))
    for done, child in enumerate(children, 1):
        walker.element(child)
        if done % 50 == 0 or done == len(children):
            progress("read", done, len(children))
    warnings = [] if any(page.items for page in walker.pages) else [_NO_TEXT_WARNING]
    return RawDocument("docx", walker.pages, warnings=warnings, needs_joining=False,
                       running_text=_running_text(document))


def _open(data: bytes, limits: Limits) -> DocxDocument:
    """Unpack safely, then let python-docx parse the verified, uncompressed copy."""
    parts = safe_unzip(data, limits)
    if not _has_main_part(parts):
        raise CorruptFile("the Word package has no main document part (word/document.xml)")
    if "[Content_Types].xml" in parts:
        parts["[Content_Types].xml"] = _as_plain_docx(parts["[Content_Types].xml"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name, payload in parts.items():
            out.writestr(name, payload)
    buffer.seek(0)
    try:
        return docx.Document(buffer)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted bytes means a broken file
        raise CorruptFile(f"not a readable Word document: {type(exc).__name__}: {exc}"[:300]) from exc


def _has_main_part(parts: dict[str, bytes]) -> bool:
    """True when a part the manifest labels as the Word main document is really in the package."""
    if "word/document.xml" in parts:
        return True
    try:
        types = etree.fromstring(parts.get("[Content_Types].xml", b"<x/>"), _MANIFEST_PARSER)
    except etree.XMLSyntaxError:
        return False
    return any(
        (el.get("PartName") or "").lstrip("/") in parts
        for el in types.iter("{*}Override")
        if el.get("ContentType") in WORD_MAIN_TYPES
    )


def _as_plain_docx(content_types: bytes) -> bytes:
    """Relabel .docm/.dotx/.dotm main parts as .docx: same XML, python-docx refuses the others."""
    for other in WORD_MAIN_TYPES[1:]:
        content_types = content_types.replace(other.encode(), _DOCX_MAIN.encode())
    return content_types


def safe_unzip(data: bytes, limits: Limits) -> dict[str, bytes]:
    """Every member of a ZIP, refusing bombs before and while decompressing.

    Declared sizes and ratios are checked first (cheap, catches honest bombs);
    then each member is read in chunks with the remaining budget as a hard cap,
    since a crafted header can lie about its size. Hand-written because the
    standard library has no such limit and no maintained package offers one.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            _check_declared(infos, len(data), limits)
            parts: dict[str, bytes] = {}
            budget = limits.max_unzipped_bytes
            for info in infos:
                payload = _read_member(zf, info, budget)
                budget -= len(payload)
                parts[info.filename] = payload
            return parts
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise CorruptFile(f"broken ZIP container: {exc}") from exc
    except RuntimeError as exc:  # zipfile raises it for encrypted members
        raise CorruptFile(f"unreadable ZIP member: {exc}") from exc


def _check_declared(infos: list[zipfile.ZipInfo], packed: int, limits: Limits) -> None:
    if len(infos) > _MAX_MEMBERS:
        raise UnpackTooLarge(f"{len(infos)} members > {_MAX_MEMBERS}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise UnpackTooLarge(f"declared {total} unpacked bytes > {limits.max_unzipped_bytes}")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= _RATIO_MIN_BYTES and ratio > limits.max_zip_ratio:
            raise UnpackTooLarge(f"{info.filename} compresses {ratio:.0f}:1 > {limits.max_zip_ratio}:1")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    cap = min(info.file_size, budget)
    chunks: list[bytes] = []
    size = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(min(_CHUNK, cap + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise UnpackTooLarge(f"{info.filename} unpacks past its declared size or the limit")
            chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------ styles


@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None
    borders: dict[str, bool]


class _Styles:
    """Just what the walker needs from styles.xml: names, outline levels, list links, borders."""

    def __init__(self, document: DocxDocument) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        try:
            root = document.styles.element
        except Exception:  # noqa: BLE001 - a document without a styles part still reads
            return
        for el in root.iterchildren(qn("w:style")):
            sid = el.get(qn("w:styleId"))
            if sid is None:
                continue
            if el.get(qn("w:type")) == "paragraph" and el.get(qn("w:default")) in ("1", "true", "on"):
                self.default_paragraph = sid
            num_pr = el.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            self.styles[sid] = _Style(
                name=_val(el.find(qn("w:name"))) or sid,
                based_on=_val(el.find(qn("w:basedOn"))),
                num_id=_val(num_pr.find(qn("w:numId"))) if num_pr is not None else None,
                ilvl=_int(_val(num_pr.find(qn("w:ilvl")))) if num_pr is not None else None,
                outline=_int(_val(el.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}"))),
                borders=_border_sides(el.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")),
            )

    def chain(self, style_id: str | None) -> Iterator[tuple[str, _Style]]:
        """The style and its ``basedOn`` ancestors, nearest first (cycles cut)."""
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield style_id, self.styles[style_id]
            style_id = self.styles[style_id].based_on

    def name(self, style_id: str | None) -> str | None:
        style = self.styles.get(style_id or "")
        return style.name if style else None

    def is_heading(self, style_id: str | None) -> bool:
        for _sid, style in self.chain(style_id):
            if _HEADING_STYLE.match(style.name):
                return True
            if style.outline is not None:
                return style.outline <= _MAX_OUTLINE
        return False

    def numbering(self, style_id: str | None) -> tuple[str, str | None, int | None] | None:
        """(style id, numId, ilvl) of the list a paragraph style links to, if any."""
        for sid, style in self.chain(style_id):
            if style.num_id is not None:
                return sid, style.num_id, style.ilvl
        return None

    def borders(self, style_id: str | None) -> dict[str, bool]:
        merged: dict[str, bool] = {}
        for _sid, style in reversed(list(self.chain(style_id))):
            merged.update(style.borders)
        return merged


def _border_sides(borders: etree._Element | None) -> dict[str, bool]:
    """Side name -> visible, for the sides a ``w:tblBorders`` element states."""
    if borders is None:
        return {}
    out: dict[str, bool] = {}
    for side in _BORDER_SIDES:
        el = borders.find(qn(f"w:{side}"))
        if el is not None:
            out[side] = (el.get(_VAL) or "nil") not in _NO_BORDER
    return out


# ------------------------------------------------------------------ numbering


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = " "
    legal: bool = False
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    style: str | None = None


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # w:startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # w:lvlOverride/w:lvl


class _Numbering:
    """Renders the labels of Word's automatic numbering from numbering.xml.

    Hand-written because python-docx does not compute list labels. Counters
    belong to the abstract list, as in Word: two ``w:num`` sharing an abstract
    list continue each other unless one restarts with ``w:startOverride``.
    """

    def __init__(self, document: DocxDocument) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstract id -> numbering style it follows
        self.nums: dict[str, _Num] = {}
        self.counts: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        try:
            root = document.part.numbering_part.element if _has_numbering(document) else None
        except Exception:  # noqa: BLE001 - broken numbering must not stop the text
            root = None
        if root is None:
            return
        for el in root.iterchildren(qn("w:abstractNum")):
            aid = el.get(qn("w:abstractNumId")) or ""
            self.abstracts[aid] = {lvl: level for lvl, level in map(_parse_level, el.iterchildren(qn("w:lvl")))}
            link = _val(el.find(qn("w:numStyleLink")))
            if link:
                self.links[aid] = link
        for el in root.iterchildren(qn("w:num")):
            num = _Num(_val(el.find(qn("w:abstractNumId"))) or "")
            for override in el.iterchildren(qn("w:lvlOverride")):
                ilvl = _int(override.get(qn("w:ilvl"))) or 0
                start = _int(_val(override.find(qn("w:startOverride"))))
                if start is not None:
                    num.starts[ilvl] = start
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    num.levels[ilvl] = _parse_level(lvl)[1]
            self.nums[el.get(qn("w:numId")) or ""] = num

    def label(self, num_id: str, ilvl: int | None, style_id: str | None, styles: _Styles) -> str:
        """The visible label for the next paragraph of list ``num_id`` at ``ilvl``, advancing it."""
        num = self.nums.get(num_id)
        if num is None:
            return ""
        abstract = self._resolve(num.abstract, styles)
        levels = self.abstracts.get(abstract, {})
        if ilvl is None:
            ilvl = next((i for i, lvl in levels.items() if style_id and lvl.style == style_id), 0)
        ilvl = max(0, min(ilvl, 8))

        def level(i: int) -> _Level:
            return num.levels.get(i) or levels.get(i) or _Level()

        def start(i: int) -> int:
            return num.starts.get(i, level(i).start)

        counts = self.counts.setdefault(abstract, [None] * 9)
        if num_id not in self.used:
            self.used.add(num_id)
            for i in num.starts:
                counts[i] = None
        counts[ilvl] = start(ilvl) if counts[ilvl] is None else counts[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            restart = level(deeper).restart
            if restart is None or (restart and restart <= ilvl + 1):
                counts[deeper] = None
        this = level(ilvl)
        if this.fmt == "none":
            return ""
        if this.fmt == "bullet":
            text = "".join(_BULLET if "\ue000" <= ch <= "\uf8ff" else ch for ch in this.text).strip()
            return (text or _BULLET) + this.suffix

        def render(match: re.Match[str]) -> str:
            i = int(match.group(1)) - 1
            value = counts[i] if counts[i] is not None else start(i)
            return _format_number(value, "decimal" if this.legal and i < ilvl else level(i).fmt)

        return re.sub(r"%([1-9])", render, this.text) + this.suffix

    def _resolve(self, abstract: str, styles: _Styles) -> str:
        """Follow ``w:numStyleLink`` to the abstract list that really defines the levels."""
        link = self.links.get(abstract)
        if link is None or self.abstracts.get(abstract):
            return abstract
        linked = styles.numbering(link)
        num = self.nums.get(linked[1] or "") if linked else None
        return num.abstract if num else abstract


def _has_numbering(document: DocxDocument) -> bool:
    """True when the package has a numbering part (python-docx would otherwise create one)."""
    return any(rel.reltype == RT.NUMBERING for rel in document.part.rels.values())


def _parse_level(el: etree._Element) -> tuple[int, _Level]:
    suffix = _val(el.find(qn("w:suff"))) or "tab"
    restart = el.find(qn("w:lvlRestart"))
    legal = el.find(qn("w:isLgl"))
    start = _int(_val(el.find(qn("w:start"))))
    return _int(el.get(qn("w:ilvl"))) or 0, _Level(
        start=1 if start is None else start,
        fmt=_val(el.find(qn("w:numFmt"))) or "decimal",
        text=_val(el.find(qn("w:lvlText"))) or "",
        suffix=_SUFFIX.get(suffix, " "),
        legal=legal is not None and _on(legal),
        restart=_int(_val(restart)) if restart is not None else None,
        style=_val(el.find(qn("w:pStyle"))),
    )


def _format_number(value: int, fmt: str) -> str:
    """One counter in a list format; unknown formats fall back to decimal, as LibreOffice does."""
    if fmt in ("upperRoman", "lowerRoman") and 0 < value <= _MAX_ROMAN:
        roman = _roman(value)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt in ("upperLetter", "lowerLetter") and 0 < value <= _MAX_LETTERS:
        # Word repeats the letter: a..z, aa..zz, aaa...
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    out = []
    for amount, digits in _ROMAN:
        while value >= amount:
            out.append(digits)
            value -= amount
    return "".join(out)


# ------------------------------------------------------------------ walking


_PAGE_BREAK = object()  # a break that splits the paragraph where it stands
_RENDERED_BREAK = object()  # where Word's last layout turned the page


class _Walker:
    """Walks body elements in order and fills pages with paragraphs and tables."""

    def __init__(self, styles: _Styles, numbering: _Numbering, limits: Limits, section_breaks: set[etree._Element]) -> None:
        self.styles = styles
        self.numbering = numbering
        self.limits = limits
        self.section_breaks = section_breaks
        self.pages: list[RawPage] = [RawPage(1)]
        self.pending_break = False

    # -- pages

    def page_break(self) -> None:
        """Turn the page before the next content; breaks with nothing between them count once."""
        self.pending_break = bool(self.pages[-1].items)

    def add(self, item: RawItem) -> None:
        """Add content, opening the page a pending break asked for (so no page is ever empty)."""
        if self.pending_break:
            if len(self.pages) >= self.limits.max_pages:
                raise TooLarge(f"more than {self.limits.max_pages} pages")
            self.pages.append(RawPage(len(self.pages) + 1))
            self.pending_break = False
        self.pages[-1].items.append(item)

    # -- elements

    def element(self, el: etree._Element) -> None:
        if el.tag == P:
            self.paragraph(el)
        elif el.tag == TBL:
            self.table(el)

    def paragraph(self, p: etree._Element) -> None:
        ppr = p.find(qn("w:pPr"))
        if ppr is not None and _on(ppr.find(qn("w:pageBreakBefore"))):
            self.page_break()
        style_id = self._style_id(ppr)
        pieces, boxes = _inline(p)
        label = self._label(ppr, style_id)
        heading = self.styles.is_heading(style_id) or _outline_heading(ppr)
        style = self.styles.name(style_id)
        text, deferred = "", False
        for piece in pieces:
            if piece is _PAGE_BREAK:
                self._emit(label, text, heading, style)
                label, text = "", ""
                self.page_break()
            elif piece is _RENDERED_BREAK:
                # Mid-paragraph the paragraph stays whole; what follows it is on the next page.
                if text.strip():
                    deferred = True
                else:
                    self.page_break()
            else:
                text += piece
        self._emit(label, text, heading, style)
        for inner in (inner for box in boxes for inner in box.iter(P)):
            self._emit("", _plain_text(inner), False, None)
        if deferred:
            self.page_break()
        if p in self.section_breaks:
            self.page_break()

    def _emit(self, label: str, text: str, heading: bool, style: str | None) -> None:
        """Add a paragraph if it shows anything (see ``_visible``)."""
        line = _visible(label, text)
        if line:
            self.add(RawParagraph(line, heading=heading, style=style))

    def _style_id(self, ppr: etree._Element | None) -> str | None:
        style = _val(ppr.find(qn("w:pStyle"))) if ppr is not None else None
        return style or self.styles.default_paragraph

    def _label(self, ppr: etree._Element | None, style_id: str | None) -> str:
        """Word's list label for this paragraph ('' when it is not in a list)."""
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        from_style = self.styles.numbering(style_id)
        num_id = _val(num_pr.find(qn("w:numId"))) if num_pr is not None else None
        ilvl = _int(_val(num_pr.find(qn("w:ilvl")))) if num_pr is not None else None
        link_style = None
        if num_id is None and from_style is not None:
            link_style, num_id = from_style[0], from_style[1]
            ilvl = ilvl if ilvl is not None else from_style[2]
        if not num_id or num_id == "0":
            return ""
        return self.numbering.label(num_id, ilvl, link_style, self.styles)

    def table(self, tbl: etree._Element) -> None:
        rows, breaks = self._rows(tbl)
        if breaks and breaks[0] == 0:
            self.page_break()
        grid_cols = max((sum(c.colspan for c in row) for row in rows), default=0)
        text = "\n".join(c.text for row in rows for c in row)
        self.add(RawTable(rows, layout=self._is_layout(tbl, rows, grid_cols, text)))
        for _ in (b for b in breaks if b):
            self.page_break()

    def _rows(self, tbl: etree._Element) -> tuple[list[list[RawCell]], list[int]]:
        """Rows of origin cells with spans; and the rows where a page turns inside the table."""
        rows: list[list[RawCell]] = []
        breaks: list[int] = []
        open_cells: dict[int, RawCell] = {}  # grid column -> cell a vertical merge continues
        for r, tr in enumerate(_children(tbl, TR)):
            col = _int(_val(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"))) or 0
            row: list[RawCell] = []
            for tc in _children(tr, TC):
                tcpr = tc.find(qn("w:tcPr"))
                span = max(1, _int(_val(tcpr.find(qn("w:gridSpan")))) or 1) if tcpr is not None else 1
                vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                origin = open_cells.get(col)
                if vmerge is not None and (vmerge.get(_VAL) or "continue") == "continue" and origin is not None:
                    origin.rowspan += 1
                    col += span
                    continue
                cell = RawCell(self._cell_text(tc), colspan=span)
                row.append(cell)
                for c in range(col, col + span):
                    if vmerge is not None:
                        open_cells[c] = cell
                    else:
                        open_cells.pop(c, None)
                col += span
            if any(_breaks_in(tr)):
                breaks.append(r)
            rows.append(row)
        return rows, breaks

    def _cell_text(self, tc: etree._Element) -> str:
        """A cell's paragraphs as lines; nested tables flattened in place."""
        lines: list[str] = []
        for child in _body_children(tc):
            if child.tag == P:
                ppr = child.find(qn("w:pPr"))
                style_id = self._style_id(ppr)
                label = self._label(ppr, style_id)
                pieces, boxes = _inline(child)
                line = _visible(label, "".join(p for p in pieces if isinstance(p, str)))
                if line:
                    lines.append(line)
                lines.extend(_plain_text(inner) for box in boxes for inner in box.iter(P))
            elif child.tag == TBL:
                lines.extend(self._flatten(child))
        return "\n".join(line for line in lines if line.strip())

    def _flatten(self, tbl: etree._Element) -> list[str]:
        """A nested table as lines: layout tables column by column, data tables row by row."""
        rows, _ = self._rows(tbl)
        grid_cols = max((sum(c.colspan for c in row) for row in rows), default=0)
        text = "\n".join(c.text for row in rows for c in row)
        if self._is_layout(tbl, rows, grid_cols, text):
            width = max((len(row) for row in rows), default=0)
            return [row[c].text for c in range(width) for row in rows if c < len(row) and row[c].text]
        return [" | ".join(c.text.replace("\n", " ") for c in row) for row in rows if any(c.text for c in row)]

    def _is_layout(self, tbl: etree._Element, rows: list[list[RawCell]], grid_cols: int, text: str) -> bool:
        """A small borderless table holding the header or signature block of an official document."""
        if not rows or grid_cols > _LAYOUT_MAX_COLS or len(rows) > _LAYOUT_MAX_ROWS or grid_cols < 2:
            return False
        tblpr = tbl.find(qn("w:tblPr"))
        style_id = _val(tblpr.find(qn("w:tblStyle"))) if tblpr is not None else None
        borders = self.styles.borders(style_id)
        if tblpr is not None:
            borders.update(_border_sides(tblpr.find(qn("w:tblBorders"))))
        if any(borders.values()):
            return False
        keys = [match_key(line) for line in text.split("\n")]
        return any(marker.search(key) for key in keys for marker in _LAYOUT_MARKERS)


# ------------------------------------------------------------------ XML helpers


def _visible(label: str, text: str) -> str:
    """What Word shows for a paragraph: its label and text.

    An empty numbered paragraph still shows its number (the STT column of a
    table is often nothing else); an empty bulleted one is dropped as noise.
    """
    text = text.strip()
    if text:
        return label + text
    return label.strip() if any(ch.isalnum() for ch in label) else ""


def _body_children(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body or cell in order, looking through content controls."""
    for child in parent.iterchildren():
        if child.tag in _TRANSPARENT:
            yield from _body_children(child)
        elif child.tag in (P, TBL):
            yield child


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _children(child, tag)


def _inline(p: etree._Element) -> tuple[list[object], list[etree._Element]]:
    """A paragraph's visible text pieces and break markers in order, plus its text boxes."""
    pieces: list[object] = []
    boxes: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == qn("w:r") and _hidden(child):
                continue
            if tag == qn("w:t"):
                pieces.append(child.text or "")
            elif tag in _TAB_TAGS:
                pieces.append("\t")
            elif tag == qn("w:br"):
                kind = child.get(qn("w:type"))
                pieces.append(_PAGE_BREAK if kind == "page" else "\n")
            elif tag in _NEWLINE_TAGS:
                pieces.append("\n")
            elif tag == qn("w:lastRenderedPageBreak"):
                pieces.append(_RENDERED_BREAK)
            elif tag == qn("w:noBreakHyphen"):
                pieces.append("-")
            elif tag == qn("w:sym"):
                pieces.append(_symbol(child))
            elif tag == qn("w:txbxContent"):
                boxes.append(child)
            elif tag != P:  # a paragraph inside a run is a text box's; handled via boxes
                walk(child)

    walk(p)
    return pieces, boxes


def _plain_text(p: etree._Element) -> str:
    """Text of a paragraph without numbering or breaks (text boxes, headers, footers)."""
    pieces, _ = _inline(p)
    return "".join(x for x in pieces if isinstance(x, str)).strip()


def _breaks_in(el: etree._Element) -> Iterator[etree._Element]:
    yield from el.iter(qn("w:lastRenderedPageBreak"))
    yield from (br for br in el.iter(qn("w:br")) if br.get(qn("w:type")) == "page")


def _hidden(run: etree._Element) -> bool:
    vanish = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
    return vanish is not None and _on(vanish)


def _symbol(sym: etree._Element) -> str:
    """A ``w:sym`` character; symbol-font code points (private use area) become a bullet."""
    try:
        ch = chr(int(sym.get(qn("w:char")) or "", 16))
    except ValueError:
        return ""
    return _BULLET if "\ue000" <= ch <= "\uf8ff" else ch


def _outline_heading(ppr: etree._Element | None) -> bool:
    level = _int(_val(ppr.find(qn("w:outlineLvl")))) if ppr is not None else None
    return level is not None and level <= _MAX_OUTLINE


def _section_breaks(body: etree._Element) -> set[etree._Element]:
    """Paragraphs that end a section whose successor starts on a new page.

    The set holds the element proxies themselves: lxml keeps a live proxy's
    identity, while ``id()`` of a dropped proxy may be reused.
    """
    sections = [s for s in body.iter(qn("w:sectPr")) if s.getparent().tag in (qn("w:pPr"), qn("w:body"))]
    out: set[etree._Element] = set()
    for this, following in zip(sections, sections[1:], strict=False):
        kind = _val(following.find(qn("w:type"))) or "nextPage"
        paragraph = this.getparent().getparent()
        if kind not in ("continuous", "nextColumn") and paragraph is not None and paragraph.tag == P:
            out.add(paragraph)
    return out


def _running_text(document: DocxDocument) -> list[str]:
    """Header and footer lines of every section, once each, in order."""
    lines: list[str] = []
    try:
        for section in document.sections:
            for part in (section.header, section.first_page_header, section.even_page_header,
                         section.footer, section.first_page_footer, section.even_page_footer):
                if part.is_linked_to_previous:
                    continue
                root = part._element  # python-docx has no public handle on the part's XML
                for p in root.iter(P):
                    if any(a.tag == _FALLBACK for a in p.iterancestors()):
                        continue
                    text = _plain_text(p)
                    if text and not _PAGE_NUMBER.match(text) and text not in lines:
                        lines.append(text)
    except Exception:  # noqa: BLE001 - running text is a bonus; a broken header never fails the read
        return lines
    return lines


def _val(el: etree._Element | None) -> str | None:
    return el.get(_VAL) if el is not None else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _on(el: etree._Element | None) -> bool:
    """An OOXML on/off property: present and not switched off."""
    return el is not None and (el.get(_VAL) or "true") not in ("0", "false", "off")


# Walking a body or a cell the way the reader does, for the modules that write Word files
# (worker.tracked): paragraphs and tables in order, through content controls.
body_children = _body_children
children = _children
