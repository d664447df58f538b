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

import datetime as _dt
import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from nlp.normalize import fold
from nlp.orgs import starts_with_org
from nlp.patterns import header as P
from nlp.patterns.doctypes import DOC_TYPES, TITLE_TYPES
from nlp.patterns.signer import SIGNER_TITLES
from nlp.signer import get_signer

_QUOC_HIEU = re.compile(P.QUOC_HIEU, re.I)
_TIEU_NGU = re.compile(P.TIEU_NGU, re.I)
_QUOC_HIEU_TAIL = re.compile(P.QUOC_HIEU_TAIL)
_DECORATION = re.compile(P.DECORATION)
_LINE_JUNK = re.compile(P.LINE_JUNK)
_SO = re.compile(P.SO_LINE)
_NUMBER = re.compile(P.NUMBER)
_BLANK = re.compile(P.BLANK_FILLER)
_PLACE_DATE = re.compile(P.PLACE_DATE)
_BODY_START = re.compile(P.BODY_START, re.I)
_CONG_VAN = re.compile(P.CONG_VAN, re.I)
_MANGLED_SO = re.compile(P.MANGLED_SO_LINE)
_CLEAN_TOKEN = re.compile(r"[(\"“‘']?\w+(?:[-/.,&']\w+)*[)\"”’'.,;:!?]*")
_TITLES = sorted((fold(t) for t in SIGNER_TITLES), key=len, reverse=True)
_TYPE_FOLDS = sorted(((t, fold(t).upper()) for t in TITLE_TYPES), key=lambda t: len(t[1]), reverse=True)
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
    quoc_hieu: bool = False  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" stands in the header
    tieu_ngu: bool = False  # "Độc lập - Tự do - Hạnh phúc" stands in the header
    date_month: str | None = None  # "2020-04" when only the day is blank, for the blank reader
    review: list[str] = field(default_factory=list)  # fields a person must fill or confirm

    def to_dict(self) -> dict:
        return asdict(self)


def get_header(text: str) -> Header:
    """Read the header and signature blocks of ``text``."""
    header = Header()
    head = text[:_HEAD_CHARS]
    lines = _lines(head)
    zone = lines[: _body_start(lines)]  # the header ends where the body starts (Kính gửi, Căn cứ, I., 1.)
    title = _title_index(zone)
    above_title = zone[:title] if title is not None else zone
    _read_number(zone[: title + 1] if title is not None else zone, header)
    _read_place_date(head[: zone[-1].start + len(zone[-1].text)] if zone else "", text, header)
    _read_issuers(above_title, header)
    if title is not None:
        _read_type_and_subject(zone, title, lines[len(zone) :], header)
    _read_urgency(lines, header)
    zone_fold = fold(" ".join(line.text for line in zone))
    header.quoc_hieu = bool(_QUOC_HIEU.search(zone_fold))
    header.tieu_ngu = bool(_TIEU_NGU.search(zone_fold))
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


def _clean(text: str) -> str:
    """A line without the OCR debris at its ends (``- SỞ GIÁO DỤC``, ``' KẾ HOẠCH -``, ``PHỦ _``)."""
    return _LINE_JUNK.sub("", text)


def _body_start(lines: list[_Line]) -> int:
    """Index of the first body line: ``Kính gửi``, ``Căn cứ``, a numbered heading, or a paragraph."""
    for i, line in enumerate(lines):
        if _BODY_START.match(_clean(line.folded)) or _is_paragraph(line):
            return i
    return len(lines)


def _is_paragraph(line: _Line) -> bool:
    """A long mixed-case line that is neither the ``Số``/``V/v`` line nor an upper-case trích yếu."""
    return (len(line.text) > P.BODY_LINE_CHARS and not line.text.isupper()
            and not _SO.match(fold(_clean_start(line.text))) and not _CONG_VAN.search(line.folded))


def _title_index(zone: list[_Line]) -> int | None:
    """The line holding the type name (``QUYẾT ĐỊNH``) or a công văn's ``V/v``, whichever comes first."""
    for i, line in enumerate(zone):
        if _type_at(line) is not None or _cong_van_at(line) is not None:
            return i
    return None


def _cong_van_at(line: _Line) -> re.Match[str] | None:
    """``V/v`` opening a line, a table cell, or following the ``Số:`` of its own line.

    Elsewhere (``Công văn số 12/UBND V/v …`` in a page title or a citation) it is not the header's.
    """
    m = _CONG_VAN.search(line.folded)
    if m is None:
        return None
    before = line.folded[: m.start()]
    if not _clean(before) or before.endswith("\t") or _SO.match(fold(_clean_start(line.text))):
        return m
    return None


# ------------------------------------------------------------- components


def _read_number(lines: list[_Line], header: Header) -> None:
    """The ``Số:`` line above the title; a number the text cannot vouch for is left blank for review."""
    for line in lines:
        for cell in (line.text, *line.text.split("\t")[1:]):
            m = _SO.match(fold(_clean_start(cell)))
            if m is None:
                continue
            cell = _clean_start(cell)
            symbol = re.sub(r"\s+", "", cell[m.start("symbol") : m.end("symbol")])
            if not re.search(r"[A-ZĐ]{2}", symbol):
                continue
            year = m.group("year")
            header.year = int(year) if year else None
            header.symbol = symbol
            number = _number_in_slot(m.group("slot"))
            if number:
                header.number = number
                sep = "-" if m.group("sep") == "-" and "/" in symbol else "/"
                header.ref = f"{number}{sep}{year + '/' if year else ''}{symbol}"
            else:
                header.review.append("number")
            return


def _clean_start(text: str) -> str:
    return re.sub(r"^[\W_]+", "", text)


def _number_in_slot(slot: str) -> str | None:
    """The number written in the ``Số`` slot, only when it is a clean number.

    An empty slot is a blank left for a handwritten number. Digits mixed with
    debris (``#14``, ``Ø #``) or with the blank's own dots and underscores
    (``899 _``) are ink written into the blank and misread by OCR: not a fact.
    """
    slot = slot.strip()
    if _NUMBER.fullmatch(slot):
        return slot
    return None


def _read_place_date(zone_text: str, text: str, header: Header) -> None:
    """``Place, ngày D tháng M năm Y`` in the header zone only (never a stamp's or a signing box's date)."""
    folded = fold(zone_text)
    for m in _PLACE_DATE.finditer(folded):
        place = zone_text[m.start("place") : m.end("place")].strip()
        place = _trim_place(place)
        if not place:
            continue
        header.place = _repair_place(place, text)
        day, month, year = _slot_digits(m.group("day")), _slot_digits(m.group("month")), m.group("year")
        if day and month:
            try:
                header.date = _dt.date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                header.review.append("date")
        else:
            header.review.append("date")
        if not header.date and month and 1 <= int(month) <= 12:
            header.date_month = f"{year}-{int(month):02d}"
        return


def _slot_digits(slot: str) -> str | None:
    """The digits of a day or month slot; ``None`` for a blank or for OCR debris around the ink."""
    m = re.fullmatch(r"[\s,.:;]*(\d{1,2})[\s,.:;]*", slot)
    return m.group(1) if m else None


def _trim_place(place: str) -> str | None:
    """Keep the capitalised words right before ``, ngày`` (the place), dropping glued text."""
    kept: list[str] = []
    for word in reversed(place.split()):
        bare = _clean(word)
        if word in {"TP.", "Tp."}:
            kept.append(word)
            break
        if not bare or not bare[:1].isupper():
            break
        if kept and bare.isupper() and len(bare) > 1 and not all(_clean(k).isupper() for k in kept):
            break  # "VIỆT NAM Hà Nội": the motto's last words are not part of the place
        kept.append(bare if len(kept) == 0 else word)
        if len(kept) >= 4:
            break
    while kept and fold(kept[-1]).upper().rstrip(".:") in {"SO", "V/V"}:
        kept.pop()
    out = " ".join(reversed(kept))
    return out if _clean(out) and fold(out).upper().rstrip(".") not in {"TP", "TX", "TT"} else None


def _repair_place(place: str, text: str) -> str:
    """An OCR-damaged place (``Cuo Bằng``) takes the spelling the document itself uses elsewhere."""
    if len(re.findall(re.escape(place), text)) > 1:
        return place
    n = len(place.split())
    words = r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*"
    seen: dict[str, int] = {}
    for m in re.finditer(rf"(?<!\w){words}(?:[ ]{words}){{{n - 1}}}(?!\w)", text):
        cand = m.group(0)
        if cand.isupper() or cand == place:
            continue
        if SequenceMatcher(None, fold(cand).lower(), fold(place).lower()).ratio() >= 0.8:
            seen[cand] = seen.get(cand, 0) + 1
    if not seen:
        return place
    best = max(seen, key=lambda c: seen[c])
    return best if seen[best] >= 2 else place


def _read_issuers(lines: list[_Line], header: Header) -> None:
    """Organisation lines above ``Số:``: first is the parent body, last the issuer."""
    orgs: list[str] = []
    for line in lines:
        if _SO.match(fold(_clean_start(line.text))) or _MANGLED_SO.match(line.folded):
            break  # the Số line, or what OCR left of it ("_ /KH+ PGDĐT_")
        for piece in _split_columns(line):
            if _is_motto(piece) or _DECORATION.match(piece) or _PLACE_DATE.search(fold(piece)):
                continue
            piece = _clean(re.sub(r"[-–—_]{3,}.*$", "", piece))
            piece = re.sub(r"\s+[\W_]+$", "", re.sub(r"\s[_¬|~]+(\s.*)?$", "", piece)).strip()
            piece = _unspace(piece)
            if not piece or not _mostly_upper(piece) or not _wordlike(piece):
                continue
            if orgs and not starts_with_org(piece):
                orgs[-1] = f"{orgs[-1]} {piece}"
            else:
                orgs.append(piece)
    if orgs:
        header.issuer = orgs[-1]
        header.parent_issuer = orgs[0] if len(orgs) > 1 else None


def _wordlike(text: str) -> bool:
    """Most of the line is words of letters, not OCR debris."""
    tokens = text.split()
    good = [t for t in tokens if re.fullmatch(r"[^\W\d_]{2,}[.,&]?|&|-|[A-Z]{1,2}\.?", t)]
    return len(good) >= max(1, 0.7 * len(tokens))


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _read_type_and_subject(zone: list[_Line], i: int, rest: list[_Line], header: Header) -> None:
    line = zone[i]
    following = zone[i + 1 :] + rest
    pos = _type_at(line)
    if pos is not None:
        name, start, end = pos
        header.doc_type = name
        header.doc_type_code = DOC_TYPES[name]
        tail = line.text[end:].strip(" :-–")
        if fold(tail).upper().startswith("CUA "):
            tail = ""  # "QUYẾT ĐỊNH CỦA UỶ BAN NHÂN DÂN TỈNH": the enacting body, not the trích yếu
        header.subject = _subject(tail, following)
        return
    m = _cong_van_at(line)
    if m:
        header.doc_type = "Công văn"
        header.doc_type_code = None
        first = line.text[m.end() :]
        cut = _PLACE_DATE.search(fold(first))
        first = first[: cut.start()] if cut else first
        header.subject = _subject(first.split("\t")[0].strip(), following, cong_van=True)


def _type_at(line: _Line) -> tuple[str, int, int] | None:
    """The type name standing alone upper-case on its line, or opening the trích yếu line.

    A type word inside a sentence or a citation (``Thực hiện Thông báo số …``,
    ``THÔNG BÁO SỐ 496-TB/TU``) is not the document's type.
    """
    if _is_motto(line.text):
        return None
    lead = len(line.text) - len(_clean_start(line.text))
    text = re.sub(r"[^\w:]+$", "", _clean_start(line.text))  # keep "QUYẾT ĐỊNH:" recognisable
    folded = fold(text)
    for name, folded_name in _TYPE_FOLDS:
        end = len(folded_name)
        if not folded.startswith(folded_name) or not text[:end].isupper():
            continue
        tail = text[end:]
        if tail[:1].isalnum():
            continue  # "LUẬTSƯ": a longer word
        tail = tail.strip()
        if not tail:
            return name, lead, lead + end
        if tail.startswith(":"):
            continue  # "QUYẾT ĐỊNH:" is the enacting word before "Điều 1."
        if re.match(r"(?:SO|So|so)\b\W*\d", fold(tail)):
            continue  # "THÔNG BÁO SỐ 496-TB/TU": a citation
        if tail[:1].isupper():
            return name, lead, lead + end
    return None


def _subject(first: str, following: list[_Line], cong_van: bool = False) -> str | None:
    parts = [_clean(first)] if _clean(first) else []
    after_noise = False
    for line in following:
        if len(parts) >= 6 or (parts and _is_paragraph(line)):
            break
        text = _clean(line.text)
        f = fold(text)
        if _is_noise(text):
            after_noise = bool(parts)
            continue
        if after_noise and not text[:1].islower():
            if len(text.split()) <= 2:
                continue  # a stamp's fragment ("Đi ĐEN") among the debris
            break  # past OCR debris only a lower-case continuation still belongs to the trích yếu
        if _DECORATION.match(line.text) or _is_motto(line.text) or _PLACE_DATE.search(line.folded):
            if parts:
                break
            continue
        if _BODY_START.match(f) or (parts and any(f.startswith(o) for o in P.BODY_OPENERS)):
            break
        if parts and _starts_new_block(text, parts[-1]):
            break
        parts.append(text)
    subject = " ".join(p.strip() for p in parts).strip(" .;:")
    subject = re.sub(r"[-–—_]{3,}.*$", "", subject).strip()
    return _unspace_lower(subject) or None


def _is_noise(text: str) -> bool:
    """A line of OCR debris (``: mm...``, ``¬ `* H ˆ L4``) between the lines of the trích yếu."""
    chars = [c for c in text if not c.isspace()]
    alnum = [c for c in chars if c.isalnum()]
    words = [w for w in re.findall(r"[^\W\d_]{2,}|\d{2,}", text)]
    clean = sum(len(t) for t in text.split() if _CLEAN_TOKEN.fullmatch(t))
    return len(alnum) < 3 or len(alnum) < 0.6 * len(chars) or not words or clean < 0.6 * len(chars)


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
