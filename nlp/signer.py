"""The signer block: authority lines (KT./TM./TL./TUQ./Q.), the signer's title and name.

Nghị định 30/2020 puts it bottom right, beside the Nơi nhận; readers may
deliver it before, after or inside the Nơi nhận column, so it is found by its
own shape (upper-case authority and title lines, then a personal name) and
chosen by its nearness to the document's own Nơi nhận.

OCR damages the block in known ways, handled here by general rules:

* a title is from a closed vocabulary, so a title line that folds (diacritics
  stripped, noise characters dropped) to a known title, or comes within a
  character or two of one, is written in the title's correct spelling;
* a personal name is not from a closed vocabulary: it is kept as read, but it
  is looked for past the seal and signature (lines of junk), past Nơi nhận
  items that OCR interleaved with the signer column, and after the end of the
  Nơi nhận list when the title itself was not legible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from nlp.normalize import fold
from nlp.patterns import signer as P

_AUTHORITY = re.compile(P.AUTHORITY)
# Known titles as folded word lists, with their canonical spelling.
_TITLES: list[tuple[list[str], str]] = [(fold(t).split(), t) for t in P.SIGNER_TITLES]
_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_LOWER = "a-zđâăêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_SYLLABLE = rf"[{_UPPER}][{_LOWER}]{{1,6}}"
_NAME = re.compile(rf"^{P.NAME_PREFIX}{_SYLLABLE}(?:\s+{_SYLLABLE}){{1,4}}$")
_NOISE_EDGE = re.escape(P.NOISE_CHARS)
_LEAD_NOISE = re.compile(rf"^(?:[{_NOISE_EDGE}\s]|[^\w\s])+")
_TRAIL_NOISE = re.compile(rf"(?:[{_NOISE_EDGE}\s]|[^\w\s.])+$")
_SIGNER_REACH = 1500
_NAME_LOOKAHEAD = 25  # lines looked through for the name after the title
_NAME_BUDGET = 6  # of which at most this many may be other text (seal words, stray lines)
# A new header (an attached document) or a heading: the signer block is over.
_BLOCK_END = re.compile(r"^(?:CONG\s+HOA|DOC\s+LAP|KINH\s+GUI|SO\s*[:.]|PHU\s+LUC|NOI\s+NHAN)", re.I)


@dataclass
class Signer:
    authority: str | None = None  # "KT. CHỦ TỊCH"; several lines joined by "\n"
    title: str | None = None
    name: str | None = None


def get_signer(text: str) -> Signer:
    """The signer block beside the document's own (first) Nơi nhận, else the last one in the text."""
    from nlp.recipients import recipients_block  # the two modules share line shapes

    lines = _lines(text)
    block = recipients_block(text)
    candidates = _signer_candidates(lines)
    if not candidates:
        # The title was not legible: the name still closes the signer column, after the Nơi nhận list.
        if block is None:
            return Signer()
        after = [k for k, (off, _) in enumerate(lines) if off >= block[2]]
        return Signer(name=_find_name(lines, after[0]) if after else None)
    if block is not None:
        anchor = block[1]
        near = [c for c in candidates if abs(c[0] - anchor) <= _SIGNER_REACH]
        chosen = min(near, key=lambda c: abs(c[0] - anchor)) if near else candidates[-1]
    else:
        chosen = candidates[-1]
    return Signer(authority=chosen[1], title=chosen[2], name=chosen[3])


# --- line shapes shared with nlp.recipients -------------------------------------------------


def strip_noise(line: str) -> str:
    """The line without the stains, strokes and rules OCR reads at its edges (``¬ _ PHÓ CHỦ TỊCH``)."""
    return _TRAIL_NOISE.sub("", _LEAD_NOISE.sub("", line.strip()))


def is_noise(line: str) -> bool:
    """A line of signature strokes, seal fragments or speckle: almost no letters."""
    chars = [c for c in line if not c.isspace()]
    letters = [c for c in chars if c.isalpha()]
    return len(letters) <= 3 or len(letters) < 0.5 * len(chars)


def is_upper_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def is_name(line: str) -> bool:
    """A personal name: 2–5 Title-case syllables (an academic prefix allowed), nothing else."""
    text = strip_noise(line)
    return 0 < len(text) <= 40 and bool(_NAME.match(text))


def canonical_title(line: str) -> str | None:
    """The known title a line reads as, in its correct spelling, with the unit after it kept as read.

    ``CHU TỊCH`` → ``CHỦ TỊCH``; ``PT!O CHU TỊCH`` → ``PHÓ CHỦ TỊCH``; ``CHỦ TICH Ÿ`` → ``CHỦ TỊCH``;
    ``VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH`` keeps its unit. ``None`` when the line is no known title.
    """
    words = strip_noise(line).split()
    cleaned = [re.sub(r"[^A-Z]", "", fold(w).upper()) for w in words]
    index = [k for k, c in enumerate(cleaned) if c]
    tokens = [cleaned[k] for k in index]
    if not tokens:
        return None
    best: tuple[int, str] | None = None
    for title_tokens, canon in _TITLES:
        if tokens[: len(title_tokens)] == title_tokens and (best is None or len(title_tokens) > best[0]):
            best = (len(title_tokens), canon)
    if best is None:
        scored = []
        for title_tokens, canon in _TITLES:
            n = len(title_tokens)
            if len(tokens) >= n:
                ratio = SequenceMatcher(None, " ".join(tokens[:n]), " ".join(title_tokens)).ratio()
                scored.append((ratio, n, canon))
        scored.sort(reverse=True)
        if scored and scored[0][0] >= P.TITLE_SIMILARITY and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            best = (scored[0][1], scored[0][2])
    if best is None:
        return None
    n, canon = best
    rest = words[index[n - 1] + 1 :]
    while rest and len(re.sub(r"[^A-Z]", "", fold(rest[-1]).upper())) <= 1:
        rest.pop()  # a stray letter of the seal or signature: "CHỦ TICH Ÿ"
    unit = strip_noise(" ".join(rest))
    return f"{canon} {unit}" if unit else canon


def is_signer_line(line: str) -> bool:
    """An upper-case authority or title line of the signer block."""
    text = strip_noise(line)
    if not is_upper_line(text):
        return False
    return bool(_AUTHORITY.match(fold(text).upper())) or canonical_title(text) is not None


# --- the block ---------------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines (table cells split at tabs) with their offsets."""
    return [(m.start(), m.group().strip()) for m in re.finditer(r"[^\n\t]+", text) if m.group().strip()]


def _signer_candidates(lines: list[tuple[int, str]]) -> list[tuple[int, str | None, str, str | None]]:
    """Groups of upper-case lines (authority, title) followed by a personal name, with their offsets."""
    out = []
    clean = [strip_noise(t) for _, t in lines]
    i = 0
    while i < len(lines):
        group: list[str] = []
        j = i
        while j < len(lines) and len(group) < 5 and is_upper_line(clean[j]) and _upper_prefix(clean[j]) == clean[j]:
            if group and _is_dash_item(lines[j][1]):
                break  # "- UBND thành phố;": the Nơi nhận column, read beside the title
            group.append(clean[j])
            j += 1
        inline_rest = None
        if j < len(lines) and _upper_prefix(clean[j]) and not (group and _is_dash_item(lines[j][1])):
            # A flattened cell: "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lâm Hải Giang".
            prefix = _upper_prefix(clean[j])
            group.append(prefix)
            inline_rest = clean[j][len(prefix) :].strip()
            j += 1
        parsed = _parse_group(group)
        if parsed is not None:
            authority, title, title_line = parsed
            name = None
            if inline_rest is not None and title_line == len(group) - 1 and is_name(inline_rest):
                name = strip_noise(inline_rest)
            elif inline_rest is None or title_line == len(group) - 1:
                name = _find_name(lines, j)
            else:
                name = _find_name(lines, j - 1)
            out.append((lines[i][0], authority, title, name))
        i = max(j, i + 1)
    return out


def _is_dash_item(line: str) -> bool:
    return line.lstrip()[:1] in P.ITEM_DASHES


def _find_name(lines: list[tuple[int, str]], start: int) -> str | None:
    """The first name-shaped line from ``start``, past junk, Nơi nhận items and a few stray lines."""
    budget = _NAME_BUDGET
    for _, line in lines[start : start + _NAME_LOOKAHEAD]:
        text = strip_noise(line)
        if is_name(text):
            return text
        if _BLOCK_END.match(fold(text)) or len(text) > 100:
            return None
        if is_noise(line) or _is_dash_item(line) or is_upper_line(text):
            continue
        budget -= 1
        if budget < 0:
            return None
    return None


def _parse_group(group: list[str]) -> tuple[str | None, str, int] | None:
    """The longest tail of the group that reads as authority lines plus a title (and the title's line)."""
    for k in range(len(group)):
        parsed = _parse_lines(group[k:])
        if parsed is not None:
            return parsed[0], parsed[1], parsed[2] + k
    return None


def _parse_lines(lines: list[str]) -> tuple[str | None, str, int] | None:
    """Authority lines, then the title line (and a line carrying its unit on)."""
    authorities: list[str] = []
    for n, line in enumerate(lines):
        rest = line
        while True:
            folded = fold(rest).upper()
            m = _AUTHORITY.match(folded)
            if not m:
                break
            nxt = _AUTHORITY.search(folded, m.end())
            end = nxt.start() if nxt else len(rest)
            if nxt is None:
                # "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" on one line: the authority ends with its own title.
                split = _title_split(rest, m.end())
                if split is not None:
                    end = split
            authorities.append(rest[:end].strip())
            rest = rest[end:].strip()
        if not rest:
            continue
        title = canonical_title(rest)
        if title is None:
            return None
        if n + 1 < len(lines) and _carries_unit(rest, lines[n + 1]):
            title = f"{title} {lines[n + 1]}"
        return ("\n".join(authorities) or None), title, n
    return None


def _title_split(line: str, start: int) -> int | None:
    """Where a known title that opens ``line[start:]`` ends, when a second title follows it."""
    words = line[start:].split()
    for title_tokens, _ in sorted(_TITLES, key=lambda t: -len(t[0])):
        n = len(title_tokens)
        if [fold(w).upper() for w in words[:n]] == title_tokens and len(words) > n:
            remainder = " ".join(words[n:])
            if canonical_title(remainder) is not None:
                return line.index(remainder, start)
    return None


def _carries_unit(title_line: str, nxt: str) -> bool:
    """``VỤ TRƯỞNG`` + ``VỤ KẾ HOẠCH - TÀI CHÍNH``: the next upper-case line names the title's unit."""
    if not is_upper_line(nxt) or is_signer_line(nxt) or is_noise(nxt) or _BLOCK_END.match(fold(nxt)):
        return False
    first = re.sub(r"[^A-Z]", "", fold(nxt.split()[0]).upper())
    return title_line.rstrip().endswith(("-", "–")) or nxt.startswith(("-", "–")) or first in P.UNIT_WORDS


def _upper_prefix(line: str) -> str:
    """The leading run of upper-case words (and ``KT.``-style marks) of a line."""
    kept = []
    for w in line.split():
        letters = [c for c in w if c.isalpha()]
        if letters and all(c.isupper() for c in letters) or w in {"-", "–"}:
            kept.append(w)
        else:
            break
    return " ".join(kept).strip(" -–")
