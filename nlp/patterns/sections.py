"""Outline labels of Vietnamese administrative documents, as data.

Each style has a name; the outline's levels are given by the order in which
styles first appear, so ``I.``/``1.``/``a)`` and ``1.``/``a)`` both nest right.
"""

from __future__ import annotations

# (style, regex for the label at the start of a line)
LABEL_STYLES: tuple[tuple[str, str], ...] = (
    ("part", r"(?:PHẦN|Phần)\s+(?:[IVXLC]+|\d+|THỨ\s+\w+)\b\.?"),
    ("chapter", r"(?:CHƯƠNG|Chương)\s+(?:[IVXLC]+|\d+)\b\.?"),
    ("article", r"Điều\s+\d+\s*[.:]"),
    ("roman", r"[IVXLC]{1,6}\s*[.)]"),
    ("dotted3", r"\d{1,2}\.\d{1,2}\.\d{1,2}\.?"),
    ("dotted2", r"\d{1,2}\.\d{1,2}\.?"),
    ("number", r"\d{1,2}\s*[.)]"),
    ("letter", r"[a-zđ]\s*\)"),
)

# A heading line is short; a longer numbered line is an item whose title is its first clause.
MAX_TITLE_CHARS = 160
