"""Vietnamese text normalization: one clean form for the text, one key for matching.

``clean`` is applied to all text a reader produces: the clerk's words are kept,
only invisible or wrong code points are fixed. ``match_key`` goes further
(case, tone-mark placement, spacing) and is used only to compare strings, never
shown.
"""

from __future__ import annotations

import re
import unicodedata

# Code points that carry no text: soft hyphen, zero-width space/joiners, BOM,
# word joiner, bidi marks. PDFs exported from Word are full of them.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c"), None)

# Look-alikes that break matching. U+00D0 (Icelandic Eth) is what many old
# Vietnamese fonts and OCR engines emit for "Đ".
_LOOKALIKE = str.maketrans({
    "\u00d0": "\u0110",  # Ð -> Đ
    "\u00f0": "\u0111",  # ð -> đ
    "\u0189": "\u0110",  # Ɖ -> Đ
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\t": " ",
})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# New-style tone placement on an open syllable with a glide (hoà, hoè, thuỷ) is
# moved to the old style (hòa, hòe, thủy) so both spellings share one key.
_NEW_STYLE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![\w])")


def clean(text: str) -> str:
    """Return ``text`` in NFC with invisible and look-alike characters fixed.

    Line structure is kept (each line is stripped of trailing spaces and runs of
    spaces are folded), so readers can still rebuild paragraphs afterwards.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_INVISIBLE).translate(_LOOKALIKE)
    text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).rstrip() for line in text.split("\n")]
    return unicodedata.normalize("NFC", "\n".join(lines))


def tone_key(text: str) -> str:
    """Put tone marks of ``oa``/``oe``/``uy`` open syllables in one place (hoà → hòa)."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _NEW_STYLE.sub(r"\1\3\2", decomposed)
    return unicodedata.normalize("NFC", moved)


def match_key(text: str) -> str:
    """A comparison key: cleaned, one tone convention, case-folded, single spaces."""
    key = tone_key(clean(text)).casefold()
    return " ".join(key.split())


def strip_diacritics(text: str) -> str:
    """ASCII-ish fold used to recognise words in OCR text that lost its marks."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_table() -> dict[int, str]:
    """Every accented Latin letter (Vietnamese included) mapped to its base letter, for ``str.translate``."""
    table: dict[int, str] = {}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for cp in range(start, end + 1):
            base = strip_diacritics(chr(cp))
            if len(base) == 1 and base != chr(cp):
                table[cp] = base
    table.update({0x00D0: "D", 0x00F0: "d", 0x0110: "D", 0x0111: "d"})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Strip diacritics character by character, keeping length, so offsets found in the fold hold in ``text``.

    OCR often loses or mangles tone marks; patterns run over the fold and map
    back to the original by position. ``str.translate`` keeps it fast.
    """
    return text.translate(_FOLD)
