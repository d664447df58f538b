"""The signer block: authority lines (KT./TM./TL./TUQ./Q.), the signer's title and name.

Nghị định 30/2020 puts it bottom right, beside the Nơi nhận; readers may
deliver it before, after or inside the Nơi nhận column, so it is found by its
own shape (upper-case authority and title lines, then a personal name) and
chosen by its nearness to the document's own Nơi nhận.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize import fold
from nlp.patterns import header as P

_AUTHORITY = re.compile(P.AUTHORITY)
_TITLES = sorted(P.SIGNER_TITLES, key=len, reverse=True)
_NAME = re.compile(r"^(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ][\wÀ-ỹ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][\wÀ-ỹ]*$")
_SIGNER_REACH = 1500
_NOI_NHAN = re.compile(r"^\W*N[oơ]i\s+nh[aậâ]n\b", re.I | re.M)


@dataclass
class Signer:
    authority: str | None = None  # "KT. CHỦ TỊCH"; several lines joined by "\n"
    title: str | None = None
    name: str | None = None


def get_signer(text: str) -> Signer:
    """The signer block beside the document's own (first) Nơi nhận, else the last one in the text."""
    candidates = _signer_candidates(text)
    if not candidates:
        return Signer()
    noi_nhan = _NOI_NHAN.search(text)
    if noi_nhan:
        near = [c for c in candidates if abs(c[0] - noi_nhan.start()) <= _SIGNER_REACH]
        chosen = min(near, key=lambda c: abs(c[0] - noi_nhan.start())) if near else candidates[-1]
    else:
        chosen = candidates[-1]
    return Signer(authority=chosen[1], title=chosen[2], name=chosen[3])


def _signer_candidates(text: str) -> list[tuple[int, str | None, str, str | None]]:
    """Groups of upper-case lines (authority, title) followed by a personal name, with their offsets."""
    out = []
    lines: list[str] = []
    offsets: list[int] = []
    for m in re.finditer(r"[^\n\t]+", text):
        if m.group().strip():
            lines.append(m.group().strip())
            offsets.append(m.start())
    i = 0
    while i < len(lines):
        group: list[str] = []
        j = i
        while j < len(lines) and len(group) < 5 and _upper_prefix(lines[j]) == lines[j]:
            group.append(lines[j])
            j += 1
        rest_lines = lines[j : j + 2]
        if j < len(lines) and _upper_prefix(lines[j]):
            prefix = _upper_prefix(lines[j])
            group.append(prefix)
            rest_lines = [lines[j][len(prefix) :].strip()] + lines[j + 1 : j + 2]
            j += 1
        parsed = _parse_group(group)
        if parsed is not None:
            name = next((r for r in rest_lines if _is_name(r)), None)
            out.append((offsets[i], parsed[0], parsed[1], name))
        i = max(j, i + 1)
    return out


def _parse_group(group: list[str]) -> tuple[str | None, str] | None:
    """The longest tail of the group that reads as authority lines plus a title."""
    for k in range(len(group)):
        parsed = _parse_title_run(" ".join(group[k:]))
        if parsed is not None:
            return parsed
    return None


def _upper_prefix(line: str) -> str:
    """The leading run of upper-case words (and ``KT.``-style marks) of a line."""
    words = line.split()
    kept = []
    for w in words:
        letters = [c for c in w if c.isalpha()]
        if letters and all(c.isupper() for c in letters) or w in {"-", "–"}:
            kept.append(w)
        else:
            break
    return " ".join(kept).strip(" -–")


def _parse_title_run(run: str) -> tuple[str | None, str] | None:
    """Split ``KT. CHỦ TỊCH PHÓ CHỦ TỊCH`` into authority ``KT. CHỦ TỊCH`` and title ``PHÓ CHỦ TỊCH``."""
    folded = fold(run).upper()
    authorities: list[str] = []
    pos = 0
    while True:
        m = _AUTHORITY.match(folded, pos)
        if not m:
            break
        start = m.end()
        nxt = _AUTHORITY.search(folded, start)
        title_end = _known_title_end(folded, start)
        if nxt and (title_end is None or nxt.start() <= title_end + 1):
            end = nxt.start()
        elif title_end is not None:
            end = title_end
        else:
            return None
        authorities.append(run[m.start() : end].strip())
        pos = end
        while pos < len(folded) and folded[pos] == " ":
            pos += 1
    rest_fold = folded[pos:]
    title_end = _known_title_end(rest_fold, 0)
    if title_end is None:
        return None
    title = run[pos:].strip()
    if not title:
        return None
    return ("\n".join(authorities) or None), title


def _known_title_end(folded: str, start: int) -> int | None:
    for t in _TITLES:
        if folded.startswith(t, start) and (start + len(t) == len(folded) or not folded[start + len(t)].isalnum()):
            return start + len(t)
    return None


def _is_name(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 40 or any(ch.isdigit() for ch in text):
        return False
    if text.isupper() or not _NAME.match(text):
        return False
    return all(w[:1].isupper() for w in text.split())
