"""The document's own identity: issuer, số ký hiệu, place and date, type, trích yếu, signer.

Nghị định 30/2020 fixes where each component sits (issuer top left, Quốc hiệu
top right, ``Số:`` under the issuer, place and date under the motto, type name
and trích yếu centred, signer bottom right). Readers do not always keep the two
columns apart, so each component is found by its own pattern in the head or the
tail of the text rather than by line position alone. A component the text does
not state stays ``None``; a blank left for a handwritten number or day is
flagged for review.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from nlp.normalize import fold
from nlp.orgs import starts_with_org
from nlp.patterns import header as P
from nlp.patterns.doctypes import DOC_TYPES, TITLE_TYPES
from nlp.signer import get_signer

_QUOC_HIEU = re.compile(P.QUOC_HIEU, re.I)
_TIEU_NGU = re.compile(P.TIEU_NGU, re.I)
_QUOC_HIEU_TAIL = re.compile(P.QUOC_HIEU_TAIL)
_DECORATION = re.compile(P.DECORATION)
_SO = re.compile(P.SO_LINE)
_PLACE_DATE = re.compile(P.PLACE_DATE)
_TITLES = sorted(P.SIGNER_TITLES, key=len, reverse=True)
_TYPE_FOLDS = [(t, fold(t).upper()) for t in TITLE_TYPES]
_LONE_CONSONANT = re.compile(r"\b([BCDĐGHKLMNPQRSTVX])\s+(?=[A-ZĐÀ-Ỹ])")
_HEAD_CHARS = 3000



@dataclass
class Header:
    parent_issuer: str | None = None
    issuer: str | None = None
    number: str | None = None
    year: int | None = None
    symbol: str | None = None
    ref: str | None = None
    place: str | None = None
    date: str | None = None
    doc_type: str | None = None
    doc_type_code: str | None = None
    subject: str | None = None
    signer_authority: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    urgency: str | None = None
    date_month: str | None = None  # "2020-04" when only the day is blank, for the blank reader
    review: list[str] = field(default_factory=list)  # fields a person must fill or confirm

    def to_dict(self) -> dict:
        return asdict(self)


def get_header(text: str) -> Header:
    """Read the header and signature blocks of ``text``."""
    header = Header()
    head = text[:_HEAD_CHARS]
    lines = _lines(head)
    _read_number(head, header)
    _read_place_date(head, header)
    _read_issuers(lines, header)
    _read_type_and_subject(lines, header)
    _read_urgency(lines, header)
    signer = get_signer(text)
    header.signer_authority, header.signer_title, header.signer_name = signer.authority, signer.title, signer.name
    return header


# ------------------------------------------------------------------ helpers


@dataclass
class _Line:
    text: str
    folded: str
    start: int


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        for part in raw.split("\t"):  # a table row's cells are separate header lines
            stripped = part.strip()
            if stripped:
                out.append(_Line(stripped, fold(stripped), pos + part.find(stripped)))
            pos += len(part) + 1
    return out


def _split_columns(line: _Line) -> list[str]:
    """Cut a line where a reader glued the right column (Quốc hiệu, motto, date) onto the left."""
    cuts = [m.start() for rx in (_QUOC_HIEU, _TIEU_NGU) for m in rx.finditer(line.folded)]
    m = _PLACE_DATE.search(line.folded)
    if m:
        cuts.append(m.start("place"))
    pieces, prev = [], 0
    for cut in sorted(set(cuts)):
        pieces.append(line.text[prev:cut])
        prev = cut
    pieces.append(line.text[prev:])
    return [p.strip() for p in pieces if p.strip()]


def _is_motto(text: str) -> bool:
    f = fold(text)
    return bool(_QUOC_HIEU.search(f) or _TIEU_NGU.search(f) or _QUOC_HIEU_TAIL.match(f))


def _unspace(text: str) -> str:
    """Close stray spaces inside upper-case words (``B Ộ LAO ĐỘNG`` → ``BỘ LAO ĐỘNG``)."""
    return _LONE_CONSONANT.sub(r"\1", text)


# ------------------------------------------------------------- components


def _read_number(head: str, header: Header) -> None:
    folded = fold(head)
    for m in _SO.finditer(folded):
        s_pos = m.start() + (1 if folded[m.start()].isspace() else 0)
        line_start = folded.rfind("\n", 0, s_pos) + 1
        before = folded[line_start:s_pos].strip()
        if before and not before.endswith(("\t", ":")) and len(before) > 40:
            continue  # "số" inside a sentence is a citation, not the header's number
        symbol = re.sub(r"\s+", "", head[m.start("symbol") : m.end("symbol")])
        if not re.search(r"[A-ZĐ]{2}", symbol):
            continue
        number = m.group("number")
        year = m.group("year")
        header.number = number
        header.year = int(year) if year else None
        header.symbol = symbol
        sep = "-" if m.group("sep") == "-" and "/" in symbol else "/"
        if number:
            header.ref = f"{number}{sep}{year + '/' if year else ''}{symbol}"
        else:
            header.review.append("number")
        return


def _read_place_date(head: str, header: Header) -> None:
    folded = fold(head)
    for m in _PLACE_DATE.finditer(folded):
        place = head[m.start("place") : m.end("place")].strip()
        place = re.sub(r"^(?:.*\s)?(?=(?:TP\.|Tp\.)?\s*[A-ZĐ])", "", place) if "\t" in place else place
        header.place = _trim_place(place)
        day, month, year = m.group("day"), m.group("month"), m.group("year")
        if day and month:
            try:
                import datetime as _dt

                header.date = _dt.date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                header.review.append("date")
        else:
            header.review.append("date")
            if month and 1 <= int(month) <= 12:
                header.date_month = f"{year}-{int(month):02d}"
        return


def _trim_place(place: str) -> str:
    """Keep the capitalised words right before ``, ngày`` (the place), dropping glued text."""
    words = place.split()
    kept: list[str] = []
    for word in reversed(words):
        if word[:1].isupper() or word in {"TP.", "Tp."}:
            kept.append(word)
            if len(kept) >= 4:
                break
        else:
            break
    while kept and fold(kept[-1]).upper().rstrip(".:") in {"SO", "V/V"}:
        kept.pop()
    return " ".join(reversed(kept)) if kept else place


def _read_issuers(lines: list[_Line], header: Header) -> None:
    """Organisation lines above ``Số:``: first is the parent body, last the issuer."""
    orgs: list[str] = []
    for line in lines:
        if _SO.match(" " + line.folded) or line.folded.lstrip().upper().startswith(("SO:", "SO :")):
            break
        if _stop_head(line):
            break
        for piece in _split_columns(line):
            if _is_motto(piece) or _DECORATION.match(piece) or _PLACE_DATE.search(fold(piece)):
                continue
            piece = re.sub(r"[-–—_]{3,}.*$", "", piece).strip()
            if not piece or not _mostly_upper(piece):
                continue
            piece = _unspace(piece)
            if orgs and not starts_with_org(piece):
                orgs[-1] = f"{orgs[-1]} {piece}"
            else:
                orgs.append(piece)
    if orgs:
        header.issuer = orgs[-1]
        header.parent_issuer = orgs[0] if len(orgs) > 1 else None


def _stop_head(line: _Line) -> bool:
    upper = line.folded.upper()
    return any(upper.startswith(w.upper()) for w in ("CAN CU", "KINH GUI", "V/V"))


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _read_type_and_subject(lines: list[_Line], header: Header) -> None:
    for i, line in enumerate(lines):
        for name, folded_name in _TYPE_FOLDS:
            pos = _type_at(line, folded_name)
            if pos is None:
                continue
            header.doc_type = name
            header.doc_type_code = DOC_TYPES[name]
            rest = line.text[pos + len(folded_name) :].strip(" :")
            header.subject = _subject(rest, lines[i + 1 :])
            return
    for i, line in enumerate(lines):
        m = re.search(r"\bV\s*/\s*v\b\.?:?\s*", line.folded, re.I)
        if m:
            header.doc_type = "Công văn"
            header.doc_type_code = None
            rest = line.text[m.end() :]
            cut = _PLACE_DATE.search(fold(rest))
            rest = rest[: cut.start()] if cut else rest
            header.subject = _subject(rest.split("\t")[0].strip(), lines[i + 1 :], cong_van=True)
            return


def _type_at(line: _Line, folded_name: str) -> int | None:
    """Position of an upper-case type name standing alone (or opening the trích yếu) in the line."""
    upper_line = line.folded
    idx = upper_line.find(folded_name)
    while idx >= 0:
        end = idx + len(folded_name)
        original = line.text[idx:end]
        before_ok = idx == 0 or not upper_line[idx - 1].isalnum()
        after = line.text[end : end + 2]
        after_ok = end == len(upper_line) or not after[:1].isalnum()
        if before_ok and after_ok and original.isupper() and not _is_motto(line.text):
            tail = line.text[end:].strip()
            # "QUYẾT ĐỊNH:" alone before "Điều 1." is the enacting word, not the title.
            if not tail or tail[:1].isupper() or (tail.startswith(":") and idx > 0):
                return idx
        idx = upper_line.find(folded_name, idx + 1)
    return None


def _subject(first: str, following: list[_Line], cong_van: bool = False) -> str | None:
    parts = [first] if first else []
    for line in following:
        if len(parts) >= 3:
            break
        f = line.folded.lstrip()
        if _DECORATION.match(line.text) or _is_motto(line.text) or _PLACE_DATE.search(line.folded):
            if parts:
                break
            continue
        if parts and (any(f.startswith(o) for o in P.BODY_OPENERS) or f.upper().startswith("KINH GUI")):
            break
        if parts and _starts_new_block(line.text, parts[-1]):
            break
        parts.append(line.text)
        if not cong_van and not parts[0]:
            break
    subject = " ".join(p.strip() for p in parts).strip(" .;:")
    subject = re.sub(r"[-–—_]{3,}.*$", "", subject).strip()
    return _unspace_lower(subject) or None


def _starts_new_block(line: str, previous: str) -> bool:
    """After the trích yếu comes the enacting authority (upper case) or the body."""
    if previous.isupper() and line.isupper():
        return any(fold(line).upper().startswith(t) for t in _TITLES) or starts_with_org(line)
    if not previous.isupper() and line.isupper():
        return True
    return previous.rstrip().endswith((".", ";", ":"))


def _unspace_lower(text: str) -> str:
    """Join letters a converter spaced apart inside a syllable (``ươ n g`` → ``ương``)."""
    return re.sub(r"(?<=[a-zà-ỹ])\s(?=[ngmcpt]{1,2}\b)", "", text)


def _read_urgency(lines: list[_Line], header: Header) -> None:
    for line in lines[:25]:
        upper = line.folded.upper().strip(" .:")
        if line.text.isupper() and upper in P.URGENCY:
            header.urgency = P.URGENCY[upper]
            return
