"""Citations of other documents (``references[]`` of the extraction contract).

Like eyecite for case law: every document symbol in the text is an *anchor*
(``217/KH-SGDĐT``, ``05-CT/TW``, ``98/2023/NĐ-CP``); the words before it give
the type (``Kế hoạch số``), the words after it the date, issuer and title. Laws
cited by name are anchored on the date, number or year that follows the name.

Vocabulary is matched on a *folded* shadow of the text (lower case, no tone
marks, same length), so OCR that lost diacritics reads the same; offsets found
in a shadow hold in the original. Pure text in, dataclasses out.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from nlp.patterns import references as P

__all__ = ["Reference", "get_references", "canonical_ref"]


@dataclass
class Reference:
    """One citation occurrence; fields follow ``references[]`` of the contract."""

    text: str
    start: int
    end: int
    doc_type: str | None
    number: str | None
    year: int | None
    symbol: str | None
    ref: str | None
    date: str | None
    issuer: str | None
    title: str | None
    role: str
    # where the words that belong to this citation end (title included); used
    # to chain coordinated lists, not part of the contract
    _tail: int = field(default=0, repr=False, compare=False)
    _shared_issuer: bool = field(default=False, repr=False, compare=False)
    _continues: bool = field(default=False, repr=False, compare=False)  # a bare item of the list before

    def to_dict(self) -> dict:
        """The contract object (``check`` is added later by the checker)."""
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


# ------------------------------------------------------------------ shadows


def _build_fold() -> dict[int, str]:
    """One-to-one character map: lower case without tone marks, ``đ`` -> ``d``."""
    fold: dict[int, str] = {}
    for cp in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        low = ch.lower()
        base = unicodedata.normalize("NFD", low if len(low) == 1 else ch)[0].lower()
        if len(base) == 1 and base != ch:
            fold[cp] = base
    for ch in "ĐđÐð":
        fold[ord(ch)] = "d"
    for ch in "\u00a0\u2007\u202f\t":
        fold[ord(ch)] = " "
    return fold


_FOLD = _build_fold()


def fold_text(text: str) -> str:
    """Lower-case, tone-mark-free copy of ``text`` with identical offsets."""
    return text.translate(_FOLD)


def _soft_breaks(text: str, fold: str) -> list[tuple[int, int]]:
    """Spans of line breaks that fall inside a sentence (to be read as spaces).

    Hard-wrapped text (PDF text layers, OCR) breaks citations across lines;
    paragraph text (DOCX, Markdown) does not. The choice is made per document,
    from how its lines end, so a paragraph break is never glued in paragraph text.
    """
    if "\n" not in text:
        return []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        return []
    open_ends = sum(1 for ln in lines if ln[-1] not in ".;:!?|")
    # wrapped: most lines stop mid-sentence and little text sits in paragraph-long lines
    in_long_lines = sum(len(ln) for ln in lines if len(ln) > 150) / sum(map(len, lines))
    wrapped = len(lines) >= 4 and open_ends / len(lines) > 0.5 and in_long_lines < 0.3
    spans = []
    for m in re.finditer(r"[ \t]*\n\s*", fold):
        before = text[max(0, m.start() - 40) : m.start()].rstrip()[-1:]
        if not before or before in ".;:!?|" or P.LINE_START_HARD.match(fold, m.end()):
            continue
        nxt = text[m.end() : m.end() + 1]
        if (wrapped and not _CLAUSE_OPENER.match(text, m.end())) or nxt.islower() or nxt.isdigit():
            spans.append((m.start(), m.end()))
    return spans


def _blank(s: str, spans: list[tuple[int, int]]) -> str:
    """Replace the line breaks inside ``spans`` of ``s`` by spaces (same length)."""
    if not spans:
        return s
    out = list(s)
    for a, b in spans:
        for i in range(a, b):
            if out[i] == "\n":
                out[i] = " "
    return "".join(out)


# ------------------------------------------------------------------ symbols


def _clean_code(code: str) -> str:
    """Canonical spacing of a symbol code: no spaces, ASCII hyphen, ``Đ`` not ``Ð``."""
    return re.sub(r"\s+", "", code).replace("–", "-").replace("Ð", "Đ")


def canonical_ref(number: str, year: int | None, symbol: str, party: bool = False) -> str:
    """Rebuild the citation form: ``217/KH-SGDĐT``, ``05-CT/TW``, ``98/2023/NĐ-CP``."""
    if party:
        return f"{number}-{symbol}"
    return f"{number}/{year}/{symbol}" if year else f"{number}/{symbol}"


@dataclass
class _Anchor:
    start: int
    end: int
    number: str
    year: int | None
    symbol: str
    ref: str
    code_type: str | None  # type named by the symbol's code, if any
    strong: bool  # shape alone proves a document symbol (not "301/B")
    is_law: bool  # a law or ordinance symbol (QH.., UBTVQH..)


def _first_group_type(code: str) -> str | None:
    """Type named by the first group of a symbol code (``NĐ-CP`` -> Nghị định)."""
    key = fold_text(re.split(r"[-/]", code)[0]).upper()
    return P.CODE_TYPES.get(key)


def _anchor(m: re.Match[str]) -> _Anchor:
    """Read one SYMBOL match into number, year, symbol, canonical ref and type hint."""
    num = m.group("num")
    if m.group("year"):
        code = _clean_code(m.group("lcode"))
        is_law = bool(P.LAW_CODE.match(code))
        ctype = "Luật" if is_law else _first_group_type(code)
        if code.startswith("UBTVQH"):
            ctype = "Pháp lệnh"
        year = int(m.group("year"))
        return _Anchor(m.start(), m.end(), num, year, code, canonical_ref(num, year, code), ctype, True, is_law)
    if m.group("ptype"):
        code = _clean_code(f"{m.group('ptype')}/{m.group('porg')}")
        ctype = _first_group_type(code) or P.DEFAULT_TYPE
        return _Anchor(m.start(), m.end(), num, None, code, canonical_ref(num, None, code, party=True), ctype, True, False)
    code = _clean_code(m.group("acode") or m.group("scode"))
    ctype = _first_group_type(code) or P.DEFAULT_TYPE
    strong = m.group("acode") is not None
    return _Anchor(m.start(), m.end(), num, None, code, canonical_ref(num, None, code), ctype, strong, False)


# ------------------------------------------------------------------ vocabulary regexes

_TYPE_OF_WORD: dict[str, str] = {w: name for name, words in P.DOC_TYPE_WORDS.items() for w in words}
_TYPES_ALT = "|".join(
    w.replace(" ", r"\s+") for w in sorted(_TYPE_OF_WORD, key=len, reverse=True)
)
_LAW_WORDS = [w for name in P.LAW_TYPES for w in P.DOC_TYPE_WORDS[name]]
_LAW_ALT = "|".join(w.replace(" ", r"\s+") for w in sorted(_LAW_WORDS, key=len, reverse=True))

# type word right before the symbol: "Kế hoạch số ", "Quyết định ", "Công văn: Số "
_TYPED_HEAD = re.compile(rf"(?<![a-z0-9])(?P<type>{_TYPES_ALT})\s*(?::\s*)?(?:{P.SO}\s*[:.]?\s*)?$")
# type word, issuer, then "số": "các Quyết định của UBND tỉnh: Số "
_ISSUER_HEAD = re.compile(
    rf"(?<![a-z0-9])(?P<type>{_TYPES_ALT})\s+cua\s+(?P<org>[^;:.\n]{{2,90}}?)\s*:?\s*{P.SO}\s*[:.]?\s*$"
)
_TYPE_RIGHT_BEFORE = re.compile(rf"(?<![a-z0-9])(?:{_TYPES_ALT})\s*$")
_TYPE_WORD = re.compile(rf"(?<![a-z0-9])(?:{_TYPES_ALT})(?![a-z0-9])")
_TYPE_GAP_BREAK = re.compile(r"[\d;.\n()]")
_SO_HEAD = re.compile(rf"(?<![a-z0-9]){P.SO}\s*[:.]?\s*$")
# no look-behind: "Căn cứLuật" (a lost space) still cites; _law_word_ok checks the start
_LAW_WORD = re.compile(rf"(?:{_LAW_ALT})(?![a-z0-9])")
# a law's name (words without digits or clause marks), then its date or year
_LAW_NAME_THEN_DATE = re.compile(
    rf"(?:\s+{P.LAW_NAME_WORD}){{0,{P.LAW_NAME_MAX_WORDS}}}?"
    r"(?=\s*,?\s*(?:(?:ban hanh|thong qua)\s+)?ngay\s+\d|(?:\s+nam)?\s+(?:19|20)\d\d(?![\d/-]))"
)
# the "số" between a law's name and its number
_LAW_NAME_TAIL = re.compile(rf"[\s,]*(?:{P.SO})?\s*[:.]?\s*$")
# a clause that is only a further citation ("; Kế hoạch số 345/...", ": Số 79/...")
_CLAUSE_CITATION = re.compile(rf"(?:cac\s+)?(?:(?:{_TYPES_ALT})(?![a-z0-9])|{P.SO}\s*\d)")
_CITATION_START = re.compile(rf"(?:cac\s+)?(?:{_TYPES_ALT})\s+(?:{P.SO}\s*)?\d")
_DATE_AFTER = P.DATE_AFTER
_ISSUER_STOP = re.compile(
    r"\s*(?:[,;:!?\"“”«»\[\]\n|()_]|\.(?=\s|$|\.)|$)"
    + r"|\s+(?:" + "|".join(re.escape(w) for w in sorted(P.ISSUER_STOP_WORDS, key=len, reverse=True)) + r")(?![\w])"
)
_NEXT_CITATION = re.compile(
    rf"\s+(?:(?:va|hoac)\s+(?:cac\s+)?(?:{_TYPES_ALT})(?![a-z0-9])|(?:cac\s+)?(?:{_TYPES_ALT})\s+(?:{P.SO}\s*)?\d)"
)
_AND_WORD = re.compile(r"\s+(?:và|hoặc|va|hoac)\s+(?=\w)")
_PAREN_ABBREV = re.compile(r"\s*\([A-ZĐ&][A-ZĐ&\s]{0,14}\)")
_TITLE_STOP = re.compile(r"[;\n]|\.(?=\s|$|\.)|,\s+(?=\w)|\s\((?:sau đây|gọi tắt)")
_INSTRUCTION_AT = re.compile(r"(?:" + "|".join(P.INSTRUCTION_WORDS) + r")(?![a-z])")
_BASIS_AT = re.compile(r"(?:" + "|".join(P.BASIS_WORDS) + r")")
_ITEM_BASIS_OBJECT = re.compile(
    rf"\s+(?:cac\s+|theo\s+)?(?:{'|'.join(P.ITEM_BASIS_OBJECTS)}|{_TYPES_ALT})(?![a-z0-9])"
)
_MENTION_AT = re.compile(r"(?:" + "|".join(P.MENTION_WORDS) + r")(?![a-z])")
# a capitalised clause word opening a line: "Căn cứ", "Thực hiện", "Theo", "Xét"
_CLAUSE_OPENER = re.compile(r"(?:Căn cứ|Thực hiện|Tiếp theo|Theo|Xét|Trả lời|Can cu|Thuc hien|Tiep theo)\b")
_BOUNDARY = re.compile(r"\n|;|:|\.\s+")


# ------------------------------------------------------------------ the reader


class _Reader:
    """Holds the text, its shadows and the clause map while citations are read."""

    def __init__(self, text: str) -> None:
        self.text = text
        fold = fold_text(text)
        soft = _soft_breaks(text, fold)
        self.soft = _blank(text, soft)  # original case, in-sentence line breaks as spaces
        self.fold = _blank(fold, soft)
        self.anchors = [_anchor(m) for m in P.SYMBOL.finditer(text)]
        self.anchor_starts = [a.start for a in self.anchors]
        self.seg_starts, self.seg_modes = self._clause_map()

    # ---------------------------------------------------------- roles

    def _clause_map(self) -> tuple[list[int], list[str]]:
        """Mode (basis/mention) of every clause, in text order.

        A clause opened by Căn cứ/Thực hiện/Tiếp theo is basis; one opened by
        Theo/Xét/Trả lời is mention. After ``;`` or ``:`` the clause continues
        the one before unless it opens with an instruction ("; giao Sở ...");
        after a full stop or a paragraph break only a clause that is itself a
        further citation continues, anything else starts as mention.
        """
        fold, text = self.fold, self.text
        starts, modes = [0], [self._mode_at(0, "mention")]
        for m in _BOUNDARY.finditer(fold):
            s = m.end()
            sep = m.group()[0]
            if sep == "." and not (text[s : s + 1].isupper() or text[s : s + 1] in "\"“"):
                continue
            starts.append(s)
            modes.append(self._mode_at(s, modes[-1], hard=sep in ".\n"))
        return starts, modes

    def _mode_at(self, s: int, current: str, hard: bool = True) -> str:
        """Mode of the clause starting at ``s`` given the mode before it."""
        mk = P.LIST_MARKER.match(self.fold, s)
        item = bool(mk and self.fold[s : mk.end()].strip())
        s = mk.end() if mk else s
        capital = self.text[s : s + 1].isupper()
        basis = _BASIS_AT.match(self.fold, s)
        if basis and item and basis.group() == "thuc hien" and not _ITEM_BASIS_OBJECT.match(self.fold, basis.end()):
            basis = None  # "- Thực hiện theo dõi ...": the item's task, not its basis
        if capital and basis and not self.text[basis.end() : basis.end() + 1].islower():
            return "basis"
        if capital and _MENTION_AT.match(self.fold, s):
            return "mention"
        if not hard:
            return "mention" if _INSTRUCTION_AT.match(self.fold, s) else current
        starts_citation = _CLAUSE_CITATION.match(self.fold, s) or (
            _LAW_WORD.match(self.fold, s) and self.text[s : s + 1].isupper()
        )
        return current if starts_citation else "mention"

    def role(self, start: int) -> str:
        """Role of a citation starting at ``start``."""
        if P.BASIS_RIGHT_BEFORE.search(self.fold, max(0, start - 30), start):
            return "basis"
        i = bisect.bisect_right(self.seg_starts, start) - 1
        return self.seg_modes[i]

    # ---------------------------------------------------------- pieces after the symbol

    def date_at(self, pos: int) -> tuple[str | None, int]:
        """An issue date right after ``pos`` (", ngày 28/01/2022") -> (ISO, end)."""
        m = _DATE_AFTER.match(self.fold, pos)
        if not m:
            return None, pos
        d, mo, y = (m.group("d1"), m.group("m1"), m.group("y1")) if m.group("d1") else (
            m.group("d2"), m.group("m2"), m.group("y2"))
        try:
            return _dt.date(int(y), int(mo), int(d)).isoformat(), m.end()
        except ValueError:
            return None, pos

    def issuer_at(self, pos: int) -> tuple[str | None, int]:
        """The issuer after "của" at ``pos`` -> (issuer as written, end)."""
        m = P.OF.match(self.fold, pos)
        if not m:
            return None, pos
        return self.org_span(m.end(), pos)

    def org_span(self, s: int, fallback: int, limit: int = 120) -> tuple[str | None, int]:
        """An organisation name from ``s`` up to the first stop word or mark."""
        window_end = min(len(self.text), s + limit)
        stop = _ISSUER_STOP.search(self.soft, s, window_end)
        while stop and stop.group().strip() == "," and P.ISSUER_COMMA_OFFICE.match(self.text, stop.start()):
            stop = _ISSUER_STOP.search(self.soft, stop.end(), window_end)
        for conj in _AND_WORD.finditer(self.soft, s, stop.start() if stop else window_end):
            if self.text[conj.end()].islower():  # "và tham mưu": a verb, not "và Đào tạo"
                window_end = conj.start()
                break
        nxt = _NEXT_CITATION.search(self.fold, s, window_end)
        e = min(stop.start() if stop else window_end, nxt.start() if nxt else window_end, window_end)
        anchor_i = bisect.bisect_left(self.anchor_starts, s)
        if anchor_i < len(self.anchors) and self.anchors[anchor_i].start < e:
            e = self.anchors[anchor_i].start
            e = s + len(re.sub(rf"\s*(?:{P.SO})?\s*$", "", self.fold[s:e]))
        paren = _PAREN_ABBREV.match(self.text, e)
        if paren:
            e = paren.end()
        org = _squash(self.text[s:e])
        if not org or not org[0].isalpha() or any(ch.isdigit() for ch in org):
            return None, fallback
        return org, e

    def title_at(self, pos: int, limit: int) -> tuple[str | None, int]:
        """The subject after ``pos``: "về (việc) X", a quoted title, or a verb phrase."""
        m = re.match(r"\s*,?\s*", self.text[pos : pos + 4])
        q = pos + (m.end() if m else 0)
        if q < len(self.text) and self.text[q] in P.QUOTE_OPEN:
            close = self.text.find(P.QUOTE_CLOSE[self.text[q]], q + 1, min(limit, q + 400))
            if close > q:
                return _squash(self.text[q + 1 : close]), close + 1
        lead = P.TITLE_LEAD.match(self.fold, pos)
        if not lead:
            return None, pos
        s = lead.end()
        e = min(limit, s + 400)
        for stop in _TITLE_STOP.finditer(self.soft, s, e):
            # a comma ends the title only before a capitalised word (", Sở ... yêu cầu")
            if stop.group()[0] != "," or self.text[stop.end()].isupper():
                e = stop.start()
                break
        title = _squash(self.text[s:e]).strip(" ,")
        return (title or None), e

    # ---------------------------------------------------------- citations at symbols

    def own_number(self, a: _Anchor) -> bool:
        """True for the document's own ``Số:`` line (its identity, not a citation).

        "Số: N/SYM" at a line start or after upper-case header words only, and a line that
        opens with "Số N/SYM" (an appendix repeating the header) unless it is an
        item of a list a type word introduced ("các Công văn:\nSố 1060/...; số ...").
        """
        line_start = self.text.rfind("\n", 0, a.start) + 1
        before = self.fold[line_start : a.start]
        m = P.OWN_NUMBER.search(before)
        # a header column merged onto the line is upper case ("UBND TỈNH X Số: 12/..."),
        # a sentence is not ("... của Hội đồng Chính phủ số : 88/CP")
        lead = self.text[line_start : line_start + m.start()] if m else ""
        if m and not _TYPE_RIGHT_BEFORE.search(before[: m.start()][-40:]) and not any(c.islower() for c in lead):
            return True
        if not P.OWN_NUMBER_LINE.match(before):
            return False
        lead = self.fold[max(0, line_start - 80) : line_start].rstrip()
        return not (lead.endswith((":", ";", ",")) or _TYPE_RIGHT_BEFORE.search(lead))

    def own_caption(self, a: _Anchor, own_symbols: set[str]) -> bool:
        """An appendix caption "(Kèm theo Công văn số N/SYM ...)" with the document's own symbol."""
        if a.symbol.upper() not in own_symbols:
            return False
        line_start = self.text.rfind("\n", 0, a.start) + 1
        before = self.fold[line_start : a.start]
        before = re.sub(r"[^\w\s]{1,2}\s*$", "", before)  # OCR marks before a handwritten number
        cap = P.APPENDIX_CAPTION.match(before)
        return bool(cap and _TYPED_HEAD.fullmatch(before, cap.end()))

    def own_subject(self) -> list[tuple[int, int]]:
        """Spans of the document's own trích yếu ("V/v ...", a header "Về việc ..." line)."""
        body = P.BODY_START.search(self.fold)
        header_end = body.start() if body else len(self.fold)
        spans = []
        for m in P.OWN_SUBJECT.finditer(self.fold):
            if m.group().startswith("v/v") or m.start() < header_end:
                spans.append((m.start(), m.end()))
        return spans

    def head(self, a: _Anchor, floor: int) -> tuple[int, str | None, str | None, str | None]:
        """Words before the symbol -> (start, type, issuer named there, law name)."""
        ws = max(floor, a.start - 260)
        fw = self.fold[ws : a.start]
        m = _TYPED_HEAD.search(fw, max(0, len(fw) - 60))
        if m:
            name = _TYPE_OF_WORD[re.sub(r"\s+", " ", m.group("type"))]
            return ws + m.start(), name, None, None
        m = _ISSUER_HEAD.search(fw)
        if m:
            name = _TYPE_OF_WORD[re.sub(r"\s+", " ", m.group("type"))]
            org, end = self.org_span(ws + m.start("org"), -1, limit=m.end("org") - m.start("org") + 20)
            if org and end >= ws + m.end("org") and name not in P.LAW_TYPES:
                return ws + m.start(), name, org, None
        if a.is_law or a.year:
            law = self.law_name_before(a.start, ws)
            if law:
                return law[0], law[1], None, law[2]
        m = _SO_HEAD.search(fw, max(0, len(fw) - 12))
        if m:
            return ws + m.start(), None, None, None
        return a.start, None, None, None

    def law_name_before(self, end: int, floor: int) -> tuple[int, str, str] | None:
        """"Luật Giáo dục số " before a law symbol -> (start, type, name)."""
        seg_floor = max(floor, *(self.fold.rfind(c, floor, end) + 1 for c in ";:\n(\""))
        best = None
        for m in _LAW_WORD.finditer(self.fold, seg_floor, end):
            if not self._law_word_ok(m.start()):
                continue
            tail = _LAW_NAME_TAIL.search(self.fold, m.start(), end)
            name = self.text[m.start() : tail.start() if tail else end]
            if any(ch.isdigit() for ch in name) or len(name.split()) > P.LAW_NAME_MAX_WORDS:
                continue
            best = (m.start(), _TYPE_OF_WORD[re.sub(r"\s+", " ", m.group())], _squash(name))
            break
        return best

    def _law_word_ok(self, s: int) -> bool:
        """A law word opens a citation only capitalised ("Luật", not "pháp luật").

        It must start a word, or follow a lower-case letter glued to it by a
        lost space ("Căn cứLuật").
        """
        if not self.text[s : s + 1].isupper():
            return False
        return s == 0 or not self.fold[s - 1].isalnum() or self.text[s - 1].islower()

    def symbol_citation(self, a: _Anchor, prev: Reference | None, floor: int) -> Reference | None:
        """The citation around symbol ``a``, or None if ``a`` is no citation."""
        start, dtype, pre_issuer, law_name = self.head(a, floor)
        shared = pre_issuer is not None
        continues = dtype is None and self._continues_list(prev, start)
        if continues:
            dtype = prev.doc_type
            if prev._shared_issuer:
                pre_issuer, shared = prev.issuer, True
        if dtype is None and not a.strong:
            dtype = self.type_earlier(a, start, floor)
            if dtype is None:
                return None
        elif dtype is None:
            dtype = a.code_type
        elif dtype in P.GENERIC_TYPES:
            dtype = a.code_type or P.DEFAULT_TYPE
        if pre_issuer is None:
            pre_issuer = self.issuer_before(start)
            shared = pre_issuer is not None
        pos = a.end
        date, pos = self.date_at(pos)
        issuer, pos = self.issuer_at(pos)
        if date is None and issuer:
            date, pos = self.date_at(pos)
        end = pos
        nxt = bisect.bisect_right(self.anchor_starts, a.end)
        limit = self.anchors[nxt].start if nxt < len(self.anchors) else len(self.text)
        title_limit = self._title_limit(end, limit)
        title, tail = self.title_at(end, title_limit)
        if title and tail >= title_limit:
            title = _trim_chain(title)
        if date is None and dtype in P.LAW_TYPES:
            date = self.date_closing(end, tail)
        if dtype in P.LAW_TYPES and law_name:
            title = law_name
        return Reference(
            _continues=continues,
            text=self.text[start:end], start=start, end=end, doc_type=dtype, number=a.number,
            year=a.year, symbol=a.symbol, ref=a.ref, date=date, issuer=issuer or pre_issuer,
            title=title, role=self.role(start), _tail=max(end, tail), _shared_issuer=shared and not issuer,
        )

    def type_earlier(self, a: _Anchor, start: int, floor: int) -> str | None:
        """Type of an old short symbol ("88/CP") named earlier in its phrase.

        "các Nghị định dưới luật của Hội đồng Chính phủ số : 88/CP": only after
        "số", from the last capitalised type word before it with no digit or
        clause mark in between (a lower-case "luật" is a word of the phrase).
        """
        if start == a.start or not _SO_HEAD.fullmatch(self.fold, start, a.start):
            return None
        ws = max(floor, start - P.TYPE_EARLIER_SPAN)
        best = None
        for m in _TYPE_WORD.finditer(self.fold, ws, start):
            if self.text[m.start()].isupper() and not _TYPE_GAP_BREAK.search(self.fold, m.end(), start):
                best = m
        if best is None:
            return None
        name = _TYPE_OF_WORD[re.sub(r"\s+", " ", best.group())]
        return None if name in P.LAW_TYPES else name

    def _continues_list(self, prev: Reference | None, start: int) -> bool:
        """True if only list connectors (", ", "và", ";") separate ``start`` from ``prev``."""
        if prev is None or not prev._tail <= start < prev._tail + 60:
            return False
        return bool(P.LIST_GAP.match(self.fold[prev._tail : start]))

    def date_closing(self, start: int, end: int) -> str | None:
        """A date that closes a law's title ("Luật số 01/2021/QH15 sửa đổi ... ngày 12 tháng 11 năm 2021")."""
        m = P.DATE_CLOSING.search(self.fold, start, end)
        return self.date_at(m.start())[0] if m else None

    def _title_limit(self, pos: int, limit: int) -> int:
        """A title ends where the next citation's head begins."""
        m = _CITATION_START.search(self.fold, pos, limit + 6)
        if m:
            limit = m.start()
        return limit

    def issuer_before(self, start: int) -> str | None:
        """ "của X tại <citation>": the issuer named before the citation."""
        m = P.ISSUER_BEFORE.search(self.fold, max(0, start - 120), start)
        if not m:
            return None
        org, end = self.org_span(m.start("org"), -1, limit=m.end("org") - m.start("org") + 10)
        return org if org and end >= m.end("org") else None

    # ---------------------------------------------------------- laws by name

    def named_laws(self, taken: list[tuple[int, int]]) -> list[Reference]:
        """Laws cited by name with a date or year ("Luật Giáo dục ngày 14/6/2019")."""
        out: list[Reference] = []
        busy_until = 0
        for m in _LAW_WORD.finditer(self.fold):
            s = m.start()
            if s < busy_until or not self._law_word_ok(s) or _inside(taken, s):
                continue
            found = self._law_from(s, m)
            if found:
                out.append(found)
                busy_until = found.end
        return out

    def _law_from(self, s: int, m: re.Match[str]) -> Reference | None:
        """Read "Luật <name> [ngày <date> | năm <year>]" starting at ``s``."""
        nm = _LAW_NAME_THEN_DATE.match(self.fold, m.end())
        if not nm:
            return None
        name_end = nm.end()
        date, end = self.date_at(name_end)
        if date is None:
            y = P.LAW_YEAR.match(self.fold, name_end)
            if not y:
                return None
            end = y.end()
        start = self._restart_inner_law(s, name_end)
        word = _LAW_WORD.match(self.fold, start)
        dtype = _TYPE_OF_WORD[re.sub(r"\s+", " ", word.group())] if word else "Luật"
        return Reference(
            text=self.text[start:end], start=start, end=end, doc_type=dtype, number=None, year=None,
            symbol=None, ref=None, date=date, issuer=None, title=_squash(self.text[start:name_end]).strip(" ,"),
            role=self.role(start), _tail=end,
        )

    def _restart_inner_law(self, s: int, name_end: int) -> int:
        """In "Bộ luật A, Luật B ngày X" the citation is the last listed law."""
        start = s
        for m in _LAW_WORD.finditer(self.fold, s + 1, name_end):
            before = self.fold[start : m.start()]
            if self._law_word_ok(m.start()) and re.search(r",\s*$", before):
                start = m.start()
        return start


def _share_back(refs: list[Reference], last: Reference) -> None:
    """ "các Quyết định số: A, B ngày X của Y": bare items before B take B's date and issuer.

    Only items that state neither (a number alone); "Thông tư A ngày X và
    Thông tư B ngày Y của Z" keeps A without issuer (corpus convention).
    """
    for item in reversed(refs):
        if item.date or item.issuer or item.end != item._tail or not (item._continues or item is refs[-1]):
            break
        item.date, item.issuer = last.date, last.issuer
        if not item._continues:
            break


def _trim_chain(title: str) -> str:
    """Drop the link words a title ends on before the next citation ("... được sửa đổi, bổ sung bởi")."""
    m = P.TITLE_CHAIN_TAIL.search(fold_text(title))
    return title[: m.start()].rstrip(" ,(") if m and m.start() > 0 else title


def _squash(s: str) -> str:
    """Collapse whitespace (line breaks inside a citation) to single spaces."""
    return " ".join(s.split())


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """True if ``pos`` falls in one of the (sorted) ``spans``."""
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def get_references(text: str) -> list[Reference]:
    """Every citation of another document in ``text``, in document order."""
    r = _Reader(text)
    subject = r.own_subject()
    refs: list[Reference] = []
    own_refs: set[str] = set()
    own_symbols: set[str] = set()
    prev: Reference | None = None
    for a in r.anchors:
        if r.own_number(a):
            own_refs.add(a.ref.upper())
            own_symbols.add(a.symbol.upper())
            continue
        if r.own_caption(a, own_symbols):
            continue
        if _inside(subject, a.start):
            continue
        floor = prev.end if prev else 0
        ref = r.symbol_citation(a, prev, floor)
        if ref is not None:
            if ref._continues:
                _share_back(refs, ref)
            refs.append(ref)
            prev = ref
    taken = sorted((x.start, x._tail) for x in refs)
    refs.extend(r.named_laws(taken))
    refs.sort(key=lambda x: x.start)
    return [x for x in refs if not (x.ref and x.ref.upper() in own_refs)]
