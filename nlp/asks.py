"""What a document asks of its recipients, and by when: the core of a leader's digest.

Public entry: ``get_asks(text, dates) -> Asks``. A request is a sentence of the body
with a request cue (``đề nghị``, ``yêu cầu``, ``gửi về``…; ``nlp.patterns.asks``); a
deadline is one of the document's dates with a deadline cue just before it
(``trước ngày``, ``chậm nhất``). Both keep their offsets in ``text`` and quote the
document; nothing is paraphrased, so the leader reads the document's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nlp.normalize import fold
from nlp.patterns import asks as P

_SENTENCE_END = re.compile(P.SENTENCE_END)
_CUES = re.compile(r"\b(?:" + "|".join(P.REQUEST_CUES) + r")")
_DEADLINE = re.compile(r"(?:" + "|".join(re.escape(c) for c in P.DEADLINE_CUES) + r")\W*(?:ngay\W*)?$")


@dataclass(frozen=True)
class Request:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Deadline:
    date: str  # ISO, from the date item
    text: str  # the sentence it stands in, cut for the digest
    start: int
    end: int


@dataclass
class Asks:
    requests: list[Request] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def _cut(sentence: str, folded: str | None = None) -> str:
    """The sentence on one line; a long one from the clause of its last request cue (the ask
    itself, after the "Theo đề nghị của …" that often opens it), cut at a word boundary."""
    if folded is not None and len(sentence) > P.MAX_REQUEST_CHARS:
        last = max(_CUES.finditer(folded), key=lambda m: m.start(), default=None)
        comma = sentence.rfind(", ", 0, last.start()) if last else -1
        if comma > 0:
            sentence = "… " + sentence[comma + 2:]
    sentence = " ".join(sentence.split())
    if len(sentence) <= P.MAX_REQUEST_CHARS:
        return sentence
    return sentence[: P.MAX_REQUEST_CHARS].rsplit(" ", 1)[0] + " …"


def _body_span(text: str) -> tuple[int, int]:
    """From the first Căn cứ / body line to the Nơi nhận block (the header and the lists are not asks)."""
    folded = fold(text).lower()
    end = folded.find("noi nhan")
    return 0, (end if end > 0 else len(text))


def get_asks(text: str, dates: list[dict[str, Any]] | None = None) -> Asks:
    """The request sentences and the deadlines of ``text``; ``dates`` are the extraction's date items."""
    lo, hi = _body_span(text)
    folded = fold(text).lower()
    asks = Asks()
    for a, b in _sentences(text, lo, hi):
        sentence = text[a:b].strip()
        if (len(sentence) >= P.MIN_REQUEST_CHARS and not sentence.isupper() and _CUES.search(folded, a, b)
                and not folded[a:b].lstrip().startswith(("can cu", "tiep theo", "thuc hien"))):
            asks.requests.append(Request(_cut(text[a:b], folded[a:b]), a, b))
            if len(asks.requests) >= P.MAX_REQUESTS:
                break
    seen: set[tuple[str, int]] = set()
    bounds = _sentences(text, 0, len(text))
    for item in dates or []:
        start, value = item.get("start"), item.get("start_date") or item.get("value")
        if not isinstance(start, int) or item.get("kind") != "date" or not value:
            continue
        if not _DEADLINE.search(folded[max(0, start - P.DEADLINE_WINDOW):start]):
            continue
        a, b = next(((a, b) for a, b in bounds if a <= start < b), (start, item.get("end", start)))
        # The clause of the deadline: from the last ";" (else ",") before the date.
        clause = max(text.rfind(";", a, start), -1)
        clause = clause if clause >= 0 else text.rfind(",", a, start)
        a = clause + 1 if clause >= 0 else a
        if (value, a) not in seen:
            seen.add((value, a))
            asks.deadlines.append(Deadline(str(value), _cut(text[a:b].strip()), a, b))
    return asks
