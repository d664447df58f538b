"""Write edits into a Word file as tracked changes, and review items as Word comments.

Public entry: ``track_changes(data, edit, *, author="vanthu", date=None) -> TrackedResult``.
``edit`` is called with the visible text of every paragraph (body, table cells at any depth,
headers and footers) and returns :class:`nlp.rollover.Change` items whose offsets index that
text. Each edit becomes a real Word revision (``w:del`` around the old runs, ``w:ins`` around a
new run with the first old run's formatting); review items and flag-only changes
(``new is None``) get a comment anchored on their range.

A paragraph's text is the concatenation, in document order, of its runs' content: ``w:t``
as is, ``w:tab``/``w:ptab`` as ``"\\t"``, ``w:br``/``w:cr`` as ``"\\n"``, ``w:noBreakHyphen``
as ``"-"`` and ``w:sym`` as its character. Runs counted are those of the paragraph itself,
inside hyperlinks, fields, content controls, smart tags and earlier insertions; runs of
earlier deletions, of text boxes (their own paragraphs, not visited) and of the fallback copy
of alternate content are not; hidden runs (``w:vanish``) count as empty. Every other run
element (drawings, field characters, rendered page breaks) has no length.

Runs are split only where a change begins or ends inside them: the split pieces keep the
run's attributes and a copy of its ``w:rPr``; a ``w:t`` is cut in two. Elements of no length
sitting exactly on a boundary stay outside the change. Paragraphs without changes, and runs
without a boundary inside, are left as they were.

Comments go into ``word/comments.xml`` through python-docx's comments part (created, with its
relationship and content type, when missing). Word keeps comments out of headers and footers,
so review items there are recorded with no comment. Every ``w:id`` written (revisions and
comments) is above the largest ``w:id`` already present in any part of the package.

``accept_all(data)`` accepts every revision and drops every comment, on the XML;
``tracked_elements(data)`` reads revisions and comments back (tests, previews).
"""

from __future__ import annotations

import copy
import io
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.font import Font
from lxml import etree

from nlp.rollover import Change
from worker.readers.docx import body_children, children

__all__ = ["AppliedChange", "SkippedChange", "TrackedResult", "accept_all", "paragraph_text",
           "track_changes", "tracked_elements"]

Edit = Callable[[str], Sequence[Change]]

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, TBL, TR, TC, R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
T, DEL_TEXT, INSTR, DEL_INSTR = qn("w:t"), qn("w:delText"), qn("w:instrText"), qn("w:delInstrText")
INS, DEL, MOVE_TO, MOVE_FROM = qn("w:ins"), qn("w:del"), qn("w:moveTo"), qn("w:moveFrom")
RPR, PPR, TRPR = qn("w:rPr"), qn("w:pPr"), qn("w:trPr")
C_START, C_END, C_REF = qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:commentReference")
W_ID = qn("w:id")

# Wrappers whose children are read as if they were in the parent.
_TRANSPARENT = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag")}
# A run below one of these (up to its paragraph) is not part of the paragraph's visible text.
_NOT_VISIBLE = {P, DEL, MOVE_FROM, _MC_FALLBACK, qn("w:txbxContent")}
# Range markers that may sit between two runs inside one w:del.
_MARKERS = {qn(f"w:{t}") for t in (
    "proofErr", "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart",
    "permEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")}
# Revision records of formatting and structure; accepting keeps the current state and drops them.
_CHANGE_RECORDS = {qn(f"w:{t}") for t in (
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "tblGridChange",
    "trPrChange", "tcPrChange", "numberingChange", "cellIns", "moveFromRangeStart", "moveFromRangeEnd",
    "moveToRangeStart", "moveToRangeEnd")}
_STORY_ROOTS = {qn("w:document"), qn("w:hdr"), qn("w:ftr"), qn("w:footnotes"), qn("w:endnotes")}
_COMMENT_SIDE_PARTS = ("/commentsExtended", "/commentsIds", "/commentsExtensible")
_OFF = {"0", "false", "off"}


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class AppliedChange:
    """One change written into the document.

    ``location`` reads ``body p3`` (block 3 of the body), ``body t0 r1c0 p0`` (first block of
    the cell at row 1, grid column 0 of the table at block 0; nested tables add steps),
    ``header s0 p0`` (section 0's header). ``row``/``col`` are the outermost table cell's.
    """

    location: str
    story: str
    block: int
    row: int | None
    col: int | None
    start: int
    end: int
    kind: str
    old: str
    new: str | None
    review: bool
    note: str
    ins_id: int | None = None
    del_ids: tuple[int, ...] = ()
    comment_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["del_ids"] = list(self.del_ids)
        return out


@dataclass(frozen=True)
class SkippedChange:
    """A change the edit function returned that could not be written (``reason`` says why)."""

    location: str
    start: int
    end: int
    old: str
    new: str | None
    kind: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TrackedResult:
    data: bytes
    applied: list[AppliedChange] = field(default_factory=list)
    skipped: list[SkippedChange] = field(default_factory=list)
    paragraphs: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "ins": sum(1 for a in self.applied if a.ins_id is not None),
            "del": sum(len(a.del_ids) for a in self.applied),
            "comments": sum(1 for a in self.applied if a.comment_id is not None),
            "edits": sum(1 for a in self.applied if a.new is not None),
            "flags": sum(1 for a in self.applied if a.new is None),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything but the file bytes."""
        return {
            "paragraphs": self.paragraphs,
            "counts": self.counts,
            "applied": [a.to_dict() for a in self.applied],
            "skipped": [s.to_dict() for s in self.skipped],
        }


# ------------------------------------------------------------------ entry


def track_changes(data: bytes, edit: Edit, *, author: str = "vanthu", date: datetime | None = None,
                  initials: str = "VT", headers: bool = True) -> TrackedResult:
    """Apply ``edit``'s changes to every paragraph of a .docx as tracked changes and comments."""
    document = docx.Document(io.BytesIO(data))
    context = _Context(document, author, initials, date or datetime.now(UTC))
    result = TrackedResult(data=b"")
    for p, where, comments_ok in _paragraphs(document, headers=headers):
        result.paragraphs += 1
        runs = _visible_runs(p)
        text = "".join(t for r in runs for _, t in _pieces(r))
        changes = list(edit(text))
        if not changes:
            continue
        accepted = _accept_changes(text, changes, where, result.skipped)
        if accepted:
            result.applied += _apply(p, runs, accepted, where, context, comments_ok)
    buffer = io.BytesIO()
    document.save(buffer)
    result.data = buffer.getvalue()
    return result


def paragraph_text(p: etree._Element) -> str:
    """The text ``track_changes`` hands to ``edit`` for one ``w:p`` element."""
    return "".join(t for r in _visible_runs(p) for _, t in _pieces(r))


# ------------------------------------------------------------------ walking the document


@dataclass(frozen=True)
class _Where:
    location: str
    story: str
    block: int
    row: int | None = None
    col: int | None = None


def _paragraphs(document: DocxDocument, *, headers: bool) -> Iterator[tuple[etree._Element, _Where, bool]]:
    for p, where in _blocks(document.element.body, "body ", "body", None):
        yield p, where, True
    if not headers:
        return
    seen: set[int] = set()
    for s, section in enumerate(document.sections):
        for story, label, hf in (
            ("header", "header", section.header), ("header", "first-page header", section.first_page_header),
            ("header", "even-page header", section.even_page_header), ("footer", "footer", section.footer),
            ("footer", "first-page footer", section.first_page_footer),
            ("footer", "even-page footer", section.even_page_footer),
        ):
            if hf.is_linked_to_previous:  # no part of its own (asking for .part would add one)
                continue
            part = hf.part
            if id(part) in seen:
                continue
            seen.add(id(part))
            for p, where in _blocks(part.element, f"{label} s{s} ", story, None):
                yield p, where, False


def _blocks(container: etree._Element, prefix: str, story: str,
            outer: _Where | None) -> Iterator[tuple[etree._Element, _Where]]:
    for i, child in enumerate(body_children(container)):
        if child.tag == P:
            if outer is None:
                yield child, _Where(f"{prefix}p{i}", story, i)
            else:
                yield child, _Where(f"{prefix}p{i}", story, outer.block, outer.row, outer.col)
            continue
        for r, tr in enumerate(children(child, TR)):
            col = _int_val(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), 0)
            for tc in children(tr, TC):
                here = outer or _Where("", story, i, r, col)
                yield from _blocks(tc, f"{prefix}t{i} r{r}c{col} ", story, here)
                col += _int_val(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}"), 1)


def _int_val(el: etree._Element | None, default: int) -> int:
    try:
        return int(el.get(qn("w:val"))) if el is not None else default
    except (TypeError, ValueError):
        return default


# ------------------------------------------------------------------ paragraph text


def _visible_runs(p: etree._Element) -> list[etree._Element]:
    runs = []
    for r in p.iter(R):
        anc = r.getparent()
        while anc is not None and anc is not p and anc.tag not in _NOT_VISIBLE:
            anc = anc.getparent()
        if anc is p:
            runs.append(r)
    return runs


def _pieces(r: etree._Element) -> list[tuple[etree._Element, str]]:
    """A run's content elements with the text each stands for."""
    hidden = _hidden(r)
    return [(child, "" if hidden else _child_text(child))
            for child in r if isinstance(child.tag, str) and child.tag != RPR]


def _child_text(child: etree._Element) -> str:
    tag = child.tag
    if tag == T:
        return child.text or ""
    if tag in (qn("w:tab"), qn("w:ptab")):
        return "\t"
    if tag in (qn("w:br"), qn("w:cr")):
        return "\n"
    if tag == qn("w:noBreakHyphen"):
        return "-"
    if tag == qn("w:sym"):
        try:
            return chr(int(child.get(qn("w:char")) or "", 16))
        except ValueError:
            return ""
    return ""


def _hidden(r: etree._Element) -> bool:
    vanish = r.find(f"{RPR}/{qn('w:vanish')}")
    return vanish is not None and (vanish.get(qn("w:val")) or "true").lower() not in _OFF


# ------------------------------------------------------------------ checking what edit returned


def _accept_changes(text: str, changes: list[Change], where: _Where,
                    skipped: list[SkippedChange]) -> list[Change]:
    """Changes that fit the text, in order; edits may not overlap each other (flags may)."""
    accepted: list[Change] = []
    edits: list[Change] = []

    def skip(c: Any, reason: str) -> None:
        skipped.append(SkippedChange(where.location, getattr(c, "start", -1), getattr(c, "end", -1),
                                     str(getattr(c, "old", "")), getattr(c, "new", None),
                                     str(getattr(c, "kind", "")), reason))

    for c in sorted(changes, key=lambda c: (c.start, c.end)):
        if not (0 <= c.start <= c.end <= len(text)):
            skip(c, "offsets outside the paragraph")
        elif text[c.start:c.end] != c.old:
            skip(c, f"old text does not match the paragraph ({text[c.start:c.end]!r})")
        elif c.new is None and c.start == c.end and not c.note:
            skip(c, "empty flag without a note")
        elif c.new is not None and c.new == c.old and not c.review:
            skip(c, "no change")
        elif c.new is not None and any(_overlap(c, e) for e in edits):
            skip(c, "overlaps another edit of the same paragraph")
        else:
            accepted.append(c)
            if c.new is not None:
                edits.append(c)
    return accepted


def _overlap(a: Change, b: Change) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return max(a.start, b.start) < min(a.end, b.end)


# ------------------------------------------------------------------ writing revisions


class _Context:
    def __init__(self, document: DocxDocument, author: str, initials: str, date: datetime) -> None:
        self.document = document
        self.author = author
        self.initials = initials
        self.date = date if date.tzinfo is None else date.astimezone(UTC).replace(tzinfo=None)
        self.date_text = self.date.replace(microsecond=0).isoformat() + "Z"
        self._next = _max_id(document) + 1
        self._comments_root: etree._Element | None = None

    def new_id(self) -> int:
        value = self._next
        self._next += 1
        return value

    def revision(self, tag: str) -> etree._Element:
        return OxmlElement(tag, attrs={W_ID: str(self.new_id()), qn("w:author"): self.author,
                                       qn("w:date"): self.date_text})

    def add_comment(self, note: str) -> int:
        comment = self.document.comments.add_comment(text=note, author=self.author, initials=self.initials)
        if self._comments_root is None:
            self._comments_root = self.document.part.part_related_by(RT.COMMENTS).element
        element = self._comments_root.get_comment_by_id(comment.comment_id)
        element.id = self.new_id()  # python-docx numbers comments among comments only
        element.date = self.date
        return element.id


def _max_id(document: DocxDocument) -> int:
    """The largest ``w:id`` in any XML part of the package (-1 when there is none)."""
    top = -1
    for part in document.part.package.iter_parts():
        root = getattr(part, "element", None)
        if root is None:
            if not part.content_type.endswith("+xml"):
                continue
            try:
                root = etree.fromstring(part.blob)
            except etree.XMLSyntaxError:
                continue
        for value in etree.XPath("//@w:id", namespaces={"w": _W_NS})(root):
            try:
                top = max(top, int(value))
            except ValueError:
                continue
    return top


@dataclass
class _Run:
    el: etree._Element
    key: int
    length: int


@dataclass
class _Written:
    first: etree._Element
    last: etree._Element
    dels: list[etree._Element]
    ins: etree._Element | None


def _apply(p: etree._Element, runs: list[etree._Element], changes: list[Change], where: _Where,
           context: _Context, comments_ok: bool) -> list[AppliedChange]:
    bounds = sorted({c.start for c in changes} | {c.end for c in changes})
    pieces = _split_runs(runs, bounds)
    written: dict[int, _Written] = {}
    owner: dict[etree._Element, _Written] = {}  # run -> the revision that wrapped it

    for n, c in enumerate(changes):
        if c.new is None:
            continue
        a, b = bounds.index(c.start), bounds.index(c.end)
        covered = [x for x in pieces if 2 * a + 2 <= x.key <= 2 * b] if c.start < c.end else []
        dels = _wrap_deleted(covered, context)
        ins = None
        if c.new:
            source = next((x for x in covered if x.length), None) or _neighbour(pieces, 2 * a + 1)
            ins = _inserted_run(c.new, source.el if source else None, context, highlight=c.kind == "placeholder")
            if dels:
                _insert_after(dels[-1], ins, context)
            else:
                _place(ins, pieces, 2 * a + 1, owner, p, context)
        first = dels[0] if dels else ins
        last = ins if ins is not None else dels[-1]
        written[n] = _Written(first, last, dels, ins)
        for x in covered:
            owner[x.el] = written[n]

    applied = []
    for n, c in enumerate(changes):
        w = written.get(n)
        comment_id = None
        if comments_ok and (c.review or c.new is None):
            comment_id = context.add_comment(c.note or _default_note(c))
            _anchor_comment(comment_id, c, w, pieces, bounds, owner, p)
        applied.append(AppliedChange(
            where.location, where.story, where.block, where.row, where.col, c.start, c.end, c.kind, c.old, c.new,
            bool(c.review), c.note, ins_id=int(w.ins.get(W_ID)) if w and w.ins is not None else None,
            del_ids=tuple(int(d.get(W_ID)) for d in w.dels) if w else (), comment_id=comment_id))
    return applied


def _split_runs(runs: list[etree._Element], bounds: list[int]) -> list[_Run]:
    """Split runs so that every boundary falls between runs; each run gets the key of its segment.

    Keys: ``2i`` is the text between ``bounds[i-1]`` and ``bounds[i]``; ``2j+1`` is the point
    ``bounds[j]`` itself, where elements of no length sitting on a boundary go.
    """
    out: list[_Run] = []
    pos = 0
    for r in runs:
        items: list[tuple[etree._Element, str, int]] = []
        cut = False
        for child, text in _pieces(r):
            inner = [b - pos for b in bounds if pos < b < pos + len(text)]
            if inner and child.tag == T:
                cut = True
                edges = [0, *inner, len(text)]
                for lo, hi in zip(edges, edges[1:], strict=False):
                    piece = OxmlElement("w:t")
                    piece.text = text[lo:hi]
                    piece.set(qn("xml:space"), "preserve")
                    items.append((piece, piece.text, _key(pos + lo, True, bounds)))
            else:
                items.append((child, text, _key(pos, bool(text), bounds)))
            pos += len(text)
        if not items:
            out.append(_Run(r, _key(pos, False, bounds), 0))
            continue
        groups: list[list[tuple[etree._Element, str, int]]] = []
        for item in items:
            if groups and groups[-1][-1][2] == item[2]:
                groups[-1].append(item)
            else:
                groups.append([item])
        if len(groups) == 1 and not cut:
            out.append(_Run(r, items[0][2], sum(len(t) for _, t, _ in items)))
            continue
        for child in list(r):
            if isinstance(child.tag, str) and child.tag != RPR:
                r.remove(child)
        template = copy.deepcopy(r)
        previous = None
        for group in groups:
            run = r if previous is None else copy.deepcopy(template)
            for child, _, _ in group:
                run.append(child)
            if previous is not None:
                previous.addnext(run)
            previous = run
            out.append(_Run(run, group[0][2], sum(len(t) for _, t, _ in group)))
    return out


def _key(pos: int, has_length: bool, bounds: list[int]) -> int:
    if not has_length:
        j = bisect_left(bounds, pos)
        if j < len(bounds) and bounds[j] == pos:
            return 2 * j + 1
    return 2 * bisect_right(bounds, pos)


def _wrap_deleted(covered: list[_Run], context: _Context) -> list[etree._Element]:
    """Wrap the covered runs in ``w:del`` elements (one per stretch of siblings); text becomes delText."""
    groups: list[list[etree._Element]] = []
    for x in covered:
        r = x.el
        if groups and _same_stretch(groups[-1][-1], r):
            groups[-1].append(r)
        else:
            groups.append([r])
    dels = []
    for group in groups:
        wrapper = context.revision("w:del")
        group[0].addprevious(wrapper)
        el = group[0]
        end = group[-1]
        while True:
            following = el.getnext()
            wrapper.append(el)
            if el is end:
                break
            el = following
        for r in group:
            for child in r:
                if child.tag == T:
                    child.tag = DEL_TEXT
                elif child.tag == INSTR:
                    child.tag = DEL_INSTR
        dels.append(wrapper)
    return dels


def _same_stretch(prev: etree._Element, r: etree._Element) -> bool:
    if prev.getparent() is not r.getparent():
        return False
    el = prev.getnext()
    while el is not None and el is not r:
        if not isinstance(el.tag, str) or el.tag not in _MARKERS:
            return False
        el = el.getnext()
    return el is r


def _inserted_run(text: str, source: etree._Element | None, context: _Context, *,
                  highlight: bool) -> etree._Element:
    ins = context.revision("w:ins")
    run = OxmlElement("w:r")
    rpr = source.find(RPR) if source is not None else None
    if rpr is not None:
        rpr = copy.deepcopy(rpr)
        for record in rpr.findall(qn("w:rPrChange")):
            rpr.remove(record)
        run.append(rpr)
    run.text = text  # python-docx turns "\t" and "\n" into w:tab and w:br
    if highlight:
        Font(run).highlight_color = WD_COLOR_INDEX.YELLOW
    ins.append(run)
    return ins


def _neighbour(pieces: list[_Run], limit: int) -> _Run | None:
    """The run whose formatting an insertion at a point takes: the text run before, else after."""
    before = [x for x in pieces if x.key <= limit and x.length]
    if before:
        return before[-1]
    return next((x for x in pieces if x.length), None)


def _place(el: etree._Element, pieces: list[_Run], limit: int, owner: dict[etree._Element, _Written],
           p: etree._Element, context: _Context | None = None) -> None:
    """Put ``el`` at a point: after every run of key ``<= limit``, outside any revision written here.

    With a ``context`` (``el`` is an insertion), an insertion of someone else's holding the
    point is split around ``el`` rather than holding it.
    """
    before = [x for x in pieces if x.key <= limit]
    if before:
        anchor = owner[before[-1].el].last if before[-1].el in owner else before[-1].el
        if context is not None:
            _insert_after(anchor, el, context)
        else:
            anchor.addnext(el)
        return
    after = [x for x in pieces if x.key > limit]
    if after:
        anchor = owner[after[0].el].first if after[0].el in owner else after[0].el
        if context is not None and anchor.getparent().tag in (INS, MOVE_TO) and anchor.getprevious() is None:
            anchor = anchor.getparent()
        anchor.addprevious(el)
        return
    p.append(el)


def _insert_after(anchor: etree._Element, ins: etree._Element, context: _Context) -> None:
    """Put our ``w:ins`` right after ``anchor``; an earlier insertion around the anchor is cut in two."""
    parent = anchor.getparent()
    while parent is not None and parent.tag in (INS, MOVE_TO):
        rest = [c for c in parent.iterchildren() if c is not anchor and _follows(c, anchor)]
        if rest:
            tail = copy.deepcopy(parent)
            for child in list(tail):
                tail.remove(child)
            tail.set(W_ID, str(context.new_id()))
            for child in rest:
                tail.append(child)
            parent.addnext(tail)
        anchor, parent = parent, parent.getparent()
    anchor.addnext(ins)


def _follows(el: etree._Element, anchor: etree._Element) -> bool:
    return any(x is el for x in anchor.itersiblings())


def _anchor_comment(comment_id: int, c: Change, w: _Written | None, pieces: list[_Run], bounds: list[int],
                    owner: dict[etree._Element, _Written], p: etree._Element) -> None:
    start = OxmlElement("w:commentRangeStart", attrs={W_ID: str(comment_id)})
    end = OxmlElement("w:commentRangeEnd", attrs={W_ID: str(comment_id)})
    reference = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
    reference.append(rpr)
    reference.append(OxmlElement("w:commentReference", attrs={W_ID: str(comment_id)}))
    if w is not None:
        first, last = w.first, w.last
    else:
        a, b = bounds.index(c.start), bounds.index(c.end)
        covered = [x for x in pieces if 2 * a + 2 <= x.key <= 2 * b] if c.start < c.end else []
        if not covered:
            _place(start, pieces, 2 * a + 1, owner, p)
            start.addnext(end)
            end.addnext(reference)
            return
        first = owner[covered[0].el].first if covered[0].el in owner else covered[0].el
        last = owner[covered[-1].el].last if covered[-1].el in owner else covered[-1].el
    first.addprevious(start)
    last.addnext(end)
    end.addnext(reference)


def _default_note(c: Change) -> str:
    if c.new is None:
        return f"Cần kiểm tra: «{c.old}»"
    return f"Cần kiểm tra: «{c.old}» → «{c.new}»"


# ------------------------------------------------------------------ reading back, accepting


def _story_roots(document: DocxDocument) -> Iterator[etree._Element]:
    for part in document.part.package.iter_parts():
        root = getattr(part, "element", None)
        if root is not None and root.tag in _STORY_ROOTS:
            yield root


def accept_all(data: bytes) -> bytes:
    """The document with every revision accepted and every comment removed (done on the XML).

    Deleted and moved-away content goes; inserted and moved-in content is unwrapped; formatting
    revision records are dropped (the current formatting stays); a deleted paragraph mark joins
    its paragraph to the next one; a deleted table row goes. Comment ranges and references are
    removed and the comments part is emptied (Word's side parts about comments are dropped).
    """
    document = docx.Document(io.BytesIO(data))
    for root in _story_roots(document):
        _accept(root)
    part = document.part
    try:
        comments_root = part.part_related_by(RT.COMMENTS).element
    except KeyError:
        comments_root = None
    if comments_root is not None:
        for comment in list(comments_root):
            comments_root.remove(comment)
    for r_id, rel in list(part.rels.items()):
        if rel.reltype.endswith(_COMMENT_SIDE_PARTS):
            part.drop_rel(r_id)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _accept(root: etree._Element) -> None:
    merges: list[etree._Element] = []
    for el in list(root.iter(DEL, MOVE_FROM)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag == RPR and parent.getparent() is not None and parent.getparent().tag == PPR:
            parent.remove(el)
            merges.append(parent.getparent().getparent())
        elif parent.tag == TRPR:
            row = parent.getparent()
            if row.getparent() is not None:
                row.getparent().remove(row)
        else:
            parent.remove(el)
    for el in list(root.iter(INS, MOVE_TO)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in (RPR, TRPR):
            parent.remove(el)
            continue
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    for el in list(root.iter(*_CHANGE_RECORDS, C_START, C_END)):
        if el.getparent() is not None:
            el.getparent().remove(el)
    for el in list(root.iter(C_REF)):
        run = el.getparent()
        run.remove(el)
        if run.tag == R and all(not isinstance(c.tag, str) or c.tag == RPR for c in run):
            run.getparent().remove(run)
    for p in merges:
        _merge_with_next(p)


def _merge_with_next(p: etree._Element) -> None:
    """Accepting a deleted paragraph mark: the paragraph's content moves to the start of the next one."""
    following = p.getnext()
    if following is None or following.tag != P or p.getparent() is None:
        return
    at = following.find(PPR)
    content = [c for c in p if c.tag != PPR]
    for child in reversed(content):
        if at is not None:
            at.addnext(child)
        else:
            following.insert(0, child)
    p.getparent().remove(p)


def tracked_elements(data: bytes) -> dict[str, Any]:
    """Revisions and comments of a .docx as written in its XML.

    ``ins``/``del``: run-level revisions, each ``{id, author, date, text}`` (deleted text read
    from ``w:delText``); ``comments``: ``{id, author, initials, text, anchor, anchor_deleted}``
    with the visible and the deleted text between the comment's range markers; ``marks``:
    revisions on paragraph marks and table rows; ``counts``; ``ids``: every revision and
    comment id, in order, for uniqueness checks.
    """
    document = docx.Document(io.BytesIO(data))
    ins: list[dict[str, Any]] = []
    dels: list[dict[str, Any]] = []
    marks = 0
    anchors: dict[int, list[str]] = {}
    anchors_deleted: dict[int, list[str]] = {}
    for root in _story_roots(document):
        for el in root.iter(INS, DEL):
            if el.getparent().tag in (RPR, TRPR):
                marks += 1
                continue
            item = {"id": int(el.get(W_ID)), "author": el.get(qn("w:author")), "date": el.get(qn("w:date")),
                    "text": _revision_text(el)}
            (ins if el.tag == INS else dels).append(item)
        open_ids: set[int] = set()
        for el in root.iter(C_START, C_END, T, DEL_TEXT, qn("w:tab"), qn("w:br")):
            if el.tag == C_START:
                open_ids.add(int(el.get(W_ID)))
            elif el.tag == C_END:
                open_ids.discard(int(el.get(W_ID)))
            else:
                text = (el.text or "") if el.tag in (T, DEL_TEXT) else _child_text(el)
                target = anchors_deleted if el.tag == DEL_TEXT else anchors
                for cid in open_ids:
                    target.setdefault(cid, []).append(text)
    comments = []
    try:
        part = document.part.part_related_by(RT.COMMENTS)
    except KeyError:
        part = None
    if part is not None:
        for c in document.comments:
            comments.append({"id": c.comment_id, "author": c.author, "initials": c.initials, "text": c.text,
                             "anchor": "".join(anchors.get(c.comment_id, [])),
                             "anchor_deleted": "".join(anchors_deleted.get(c.comment_id, []))})
    ids = [x["id"] for x in ins] + [x["id"] for x in dels] + [c["id"] for c in comments]
    return {"ins": ins, "del": dels, "comments": comments, "marks": marks, "ids": ids,
            "counts": {"ins": len(ins), "del": len(dels), "comments": len(comments)}}


def _revision_text(el: etree._Element) -> str:
    """Inserted text (``w:t``) of a ``w:ins``, deleted text (``w:delText``) of a ``w:del``.

    Text of a deletion nested in an insertion (a later reviewer deleting inserted text) counts
    for the deletion only.
    """
    text_tag = T if el.tag == INS else DEL_TEXT
    out = []
    for child in el.iter(text_tag, qn("w:tab"), qn("w:br"), qn("w:cr")):
        if el.tag == INS and _inside_deletion(child, el):
            continue
        out.append((child.text or "") if child.tag == text_tag else _child_text(child))
    return "".join(out)


def _inside_deletion(child: etree._Element, el: etree._Element) -> bool:
    for ancestor in child.iterancestors():
        if ancestor is el:
            return False
        if ancestor.tag in (DEL, MOVE_FROM):
            return True
    return False
