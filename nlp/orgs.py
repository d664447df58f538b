"""Recognize and normalize the names of Vietnamese public bodies (issuers, units)."""

from __future__ import annotations

import re

from nlp.normalize import match_key, strip_diacritics
from nlp.patterns.orgs import ABBREVIATIONS, ORG_HEADS

_ABBREV_RE = re.compile(
    r"(?<![\wĐđ&])(" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\wĐđ&])"
)
_HEAD_KEYS = tuple(sorted({strip_diacritics(match_key(h)) for h in ORG_HEADS}, key=len, reverse=True))


def expand_org(name: str) -> str:
    """Spell out the abbreviations in a unit's name: ``UBND thành phố`` → ``Ủy ban nhân dân thành phố``."""
    return _ABBREV_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], name)


def org_key(name: str) -> str:
    """A key under which two spellings of one body compare equal (case, tones, abbreviations)."""
    return match_key(expand_org(name))


def starts_with_org(line: str) -> bool:
    """True when ``line`` opens with the name of a public body (tolerant of lost diacritics)."""
    key = strip_diacritics(match_key(line))
    return any(key == h or key.startswith(h + " ") for h in _HEAD_KEYS)
