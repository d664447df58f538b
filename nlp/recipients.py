"""The items of "Nơi nhận": who receives the document, as written.

The list sits bottom left, beside the signer block. Readers deliver it as a
column of dash items, but OCR may drop or mangle the heading (``(44 -So``),
read a dash as ``~`` or lose it, wrap an item over two lines, and interleave
the signer column (title, seal and signature junk) in the middle of the list.
So the list is read by rules, not by the heading alone:

* it starts at the ``Nơi nhận`` heading (matched on folded text); failing
  that, it is the run of items that ends with a ``Lưu:`` item, or the items
  right after the body's closing mark ``./.``;
* items go on until ``Lưu: …`` (which ends the list) or until the column ends;
  lines of the signer block met on the way are stepped over when more items
  follow them;
* a line without a dash continues the item above when it starts in lower case
  or the item above is not finished (no ``;``), and is an item of its own
  whose dash OCR lost when the item above ended with ``;``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from nlp.normalize import fold
from nlp.patterns import signer as P
from nlp.signer import is_name, is_noise, is_signer_line, is_upper_line, strip_noise

_NOI_NHAN = re.compile(r"^[^\w\n]*N\s?[O0]\s?I[ \t]*NH\s?A\s?N\b[^\w\n]*?:?[ \t]*(.*)$", re.I | re.M)
_INLINE_SPLIT = re.compile(r"(?:^|(?<=[;.,)]))\s+[-–]\s+|^\s*[-–]\s+")
_DASHES = re.escape(P.ITEM_DASHES)
# A dash item, perhaps behind OCR speckle: "- Như trên;", "~ Lưu: VT.", "_ -UBND thành phố", ": - Phòng Nội vụ".
_ITEM = re.compile(rf"^[_:;\"'`.,|¬“”‘’\s]*[{_DASHES}]\s*(?P<body>(?:[^\W_]|[(“\"]).*?)\s*$")
# An item whose dash OCR read as speckle: ": Các trường trực thuộc;".
_LOST_DASH = re.compile(r"^[_:;\"'`.,|¬“”]+\s+(?P<body>[^\W\d_].*?)\s*$")
_LUU = re.compile(r"^LUU\b\s*(?:[:;.,]|VT\b|V\.T)", re.I)
# "Lưu" as OCR may read it ("Limu; VT", "Luu VT"): a short word from L, then the văn thư mark VT.
_LUU_DAMAGED = re.compile(r"^(?P<word>L[^\W\d_]{1,4})\s*[:;.,]?\s*(?P<rest>V\.?\s?T\b.*)$", re.I)
# The body's closing mark "./." (OCR: "/.", "./:"), after which the list follows when its heading is lost.
_CLOSING = re.compile(r"(?:\./\.?|/\.|\./:)[\"”']*$")
_SKIP_REACH = 12  # lines of the signer column that may sit inside the list
_ITEM_MAX = 160


def get_recipients(text: str) -> list[str]:
    """Return the Nơi nhận items without their dash and trailing ``;``/``.`` (``Lưu: VT.`` keeps its dot)."""
    block = recipients_block(text)
    return block[0] if block else []


def recipients_block(text: str) -> tuple[list[str], int, int] | None:
    """The document's own Nơi nhận items, with the offsets where the list starts and ends."""
    for finder in (_from_heading, _from_luu, _from_closing_mark):
        block = finder(text)
        if block is not None and block[0]:
            return block
    return None


def _from_heading(text: str) -> tuple[list[str], int, int] | None:
    m = _NOI_NHAN.search(fold(text))  # the first "Nơi nhận" is the document's own; appendices follow
    if m is None:
        return None
    first = text[m.start(1) : m.end(1)].split("\t")[0].strip(" *_:")
    if len(_INLINE_SPLIT.findall(" " + first)) >= 2:
        # A table cell flattened to one line: "- Như trên; - Lưu: VT."
        items = [_clean_item(i) for i in _INLINE_SPLIT.split(" " + first) if i.strip()]
        return items, m.start(), m.end(1)
    lines = _left_lines(text, m.end())
    if first:
        lines.insert(0, (m.start(1), first))
    items, end = _parse(lines)
    return items, m.start(), end if end is not None else m.end()


def _from_luu(text: str) -> tuple[list[str], int, int] | None:
    """The heading is lost: the run of items that a ``Lưu:`` item closes."""
    lines = _left_lines(text, 0)
    for k, (_, line) in enumerate(lines):
        item = _item_body(line)
        if item is None or not _LUU.match(fold(_luu_spelled(item))):
            continue
        start = k
        while start > 0 and _in_list_above(lines, start):
            start -= 1
        items, end = _parse(lines[start:])
        return items, lines[start][0], end if end is not None else lines[k][0]
    return None


def _in_list_above(lines: list[tuple[int, str]], start: int) -> bool:
    """Whether the line above ``start`` is an item of the same list, or the wrapped end of one."""
    prev = lines[start - 1][1]
    body = _item_body(prev)
    if body is not None:
        return not is_signer_line(body)
    return start > 1 and _item_body(lines[start - 2][1]) is not None and _wraps(prev, lines[start - 2][1])


def _from_closing_mark(text: str) -> tuple[list[str], int, int] | None:
    """The heading is lost and there is no ``Lưu:``: the items right after the body's ``./.``."""
    lines = _left_lines(text, 0)
    for k, (_, line) in enumerate(lines[:-1]):
        if _CLOSING.search(fold(line.strip())) and _item_body(lines[k + 1][1]) is not None:
            items, end = _parse(lines[k + 1 :])
            if len(items) >= 2:
                return items, lines[k + 1][0], end if end is not None else lines[k + 1][0]
    return None


def _left_lines(text: str, start: int) -> list[tuple[int, str]]:
    """The lines from the one after ``start`` (the left cell of a table row), with their offsets."""
    out = []
    pos = text.find("\n", start) + 1 if start else 0
    if start and pos == 0:
        return out
    for m in re.finditer(r"[^\n]*", text[pos:]):
        if m.group():
            out.append((pos + m.start(), m.group().split("\t")[0]))
    return out


def _parse(lines: list[tuple[int, str]]) -> tuple[list[str], int | None]:
    """Items from the top of the list; the offset where the last one ends."""
    items: list[str] = []
    end: int | None = None
    closed = False  # a "Lưu:" item ends the list
    k = 0
    while k < len(lines):
        offset, raw = lines[k]
        line = raw.strip()
        if not line:
            k += 1
            continue
        body = _item_body(line)
        if body is not None and not is_signer_line(body):
            if closed:
                break
            body = _luu_spelled(body)
            items.append(body)
            closed = bool(_LUU.match(fold(body)))
        elif items and _wraps(line, items[-1], closed):
            items[-1] = f"{items[-1]} {line}"
        elif items and not closed and _lost_dash(line, items[-1], lines[k + 1 :]):
            items.append(strip_noise(line))
        elif not closed and _steps_over(line):
            # The signer column met the list: go on if items follow it.
            resume = _resume_after_signer(lines, k)
            if resume is None:
                break
            k = resume
            continue
        else:
            break
        end = offset + len(raw)
        k += 1
    return [_clean_item(i) for i in items], end


def _item_body(line: str) -> str | None:
    m = _ITEM.match(line) or _LOST_DASH.match(line)
    return m.group("body") if m else None


def _wraps(line: str, prev: str, closed: bool = False) -> bool:
    """A wrapped item goes on in lower case (or behind an unfinished item); the signer block does not."""
    line = line.strip()
    if not line or len(line) > _ITEM_MAX or is_signer_line(line) or is_name(line) or is_noise(line):
        return False
    if line[:1].islower() or line[:1] == "(":
        return not closed or not prev.rstrip().endswith(".")
    if closed or is_upper_line(line):
        return False
    last = prev.rstrip()[-1:]
    return last == "," or (last.isalnum() or last == ")") and line[:1].isupper()


def _lost_dash(line: str, prev: str, following: list[tuple[int, str]]) -> bool:
    """``Bộ Giáo dục và Đào tạo;`` after ``- Như trên;``: an item whose dash OCR dropped."""
    line = line.strip()
    if not prev.rstrip().endswith(";") or not line[:1].isupper() or len(line) > _ITEM_MAX:
        return False
    if is_signer_line(line) or is_name(line) or is_upper_line(line) or is_noise(line):
        return False
    nxt = next((t for _, t in following if t.strip()), "")
    return line.rstrip()[-1:] in ";,.:" or _item_body(nxt) is not None


def _steps_over(line: str) -> bool:
    """A line of the signer column: authority, title, seal words, signature junk, the name."""
    text = strip_noise(line)
    if is_noise(line) or is_signer_line(text) or is_name(text):
        return True
    folded = fold(text).upper()
    return is_upper_line(text) and len(text.split()) <= 4 and not folded.startswith(P.APPENDIX_HEADINGS)


def _resume_after_signer(lines: list[tuple[int, str]], k: int) -> int | None:
    """The index of the next item when only signer-column lines lie between; else None."""
    for j in range(k, min(len(lines), k + _SKIP_REACH)):
        line = lines[j][1].strip()
        if not line:
            continue
        body = _item_body(line)
        if body is not None and not is_signer_line(body) and _ITEM.match(line):
            return j
        if not _steps_over(line):
            return None
    return None


def _luu_spelled(item: str) -> str:
    """``Limu; VT,KT`` → ``Lưu: VT,KT``: the fixed label of the file-copy item, in its correct spelling."""
    m = _LUU_DAMAGED.match(item)
    if m is None or _LUU.match(fold(item)):
        return item
    if SequenceMatcher(None, fold(m.group("word")).upper(), "LUU").ratio() < 0.5:
        return item
    return f"Lưu: {m.group('rest')}"


def _clean_item(item: str) -> str:
    """Without the trailing ``;`` and OCR speckle (``; -``, ``; .``); ``Lưu: VT, TĐKT.`` keeps its closing dot."""
    item = _luu_spelled(item.strip())
    return item.rstrip(" ;,:-–") if _LUU.match(fold(item)) else item.rstrip(" .;,:-–")
