"""The items of "Nơi nhận": who receives the document, as written."""

from __future__ import annotations

import re

from nlp.normalize import strip_diacritics

_NOI_NHAN = re.compile(r"^\W*N[oơ]i[ \t]+nh[aậâ]n\W*?:?[ \t]*(.*)$", re.I | re.M)
_INLINE_SPLIT = re.compile(r"(?:^|(?<=[;.,)]))\s+[-–]\s+|^\s*[-–]\s+")
_ITEM = re.compile(r"^\s*[-–—+•*]\s*(.+?)\s*$")
# A line that ends the list: the signer's authority or title, a name, the end mark.
_STOP = re.compile(
    r"^(?:KT|TM|TL|TUQ|Q)\s*[./]|^(?:CHỦ TỊCH|PHÓ|GIÁM ĐỐC|TRƯỞNG|HIỆU TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|CHÁNH|VỤ TRƯỞNG)\b"
)


def get_recipients(text: str) -> list[str]:
    """Return the Nơi nhận items without their dash and trailing ``;``/``.`` (``Lưu: VT.`` keeps its dot)."""
    found = list(_NOI_NHAN.finditer(text))
    if not found:
        return []
    m = found[0]  # the first "Nơi nhận" is the document's own; appendices and templates follow
    items: list[str] = []
    first = m.group(1).split("\t")[0].strip(" *_:")
    if len(_INLINE_SPLIT.findall(" " + first)) >= 2:
        # A table cell flattened to one line: "- Như trên; - Lưu: VT."
        return [_clean_item(i) for i in _INLINE_SPLIT.split(" " + first) if i.strip()]
    lines = ([first] if first else []) + [ln.split("\t")[0] for ln in text[m.end() :].split("\n")[1:]]
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        item = _ITEM.match(stripped)
        if item is None:
            if items and _continues(stripped):
                items[-1] = f"{items[-1]} {stripped}"
                continue
            break
        if _STOP.match(item.group(1)):
            break
        items.append(item.group(1))
    return [_clean_item(i) for i in items]


def _continues(line: str) -> bool:
    """A wrapped item goes on in lower case; an upper-case line is the signer block."""
    return line[:1].islower() and not _STOP.match(line)


def _clean_item(item: str) -> str:
    item = item.rstrip(" ;,")
    if strip_diacritics(item).lower().startswith("luu"):
        return item  # "Lưu: VT, TĐKT." keeps its closing dot, as written
    return item.rstrip(".").rstrip(" ;,")
