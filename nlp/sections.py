"""The document's outline: headings such as ``I.``, ``1.``, ``1.1.``, ``a)``, ``Điều 1.``."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from nlp.patterns.sections import LABEL_STYLES, MAX_TITLE_CHARS

_LABEL = re.compile(
    r"^[ \t]*(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx in LABEL_STYLES) + r")[ \t]+(?=\S)", re.M
)
_FIRST_CLAUSE = re.compile(rf"^(.{{3,{MAX_TITLE_CHARS}}}?)(?:[.;:](?:\s|$)|$)")


@dataclass
class Section:
    label: str
    title: str
    level: int
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


def get_sections(text: str) -> list[Section]:
    """Find outline headings at line starts and give each a level by label style."""
    order: list[str] = []
    sections: list[Section] = []
    for m in _LABEL.finditer(text):
        style = m.lastgroup or ""
        label = m.group(style).strip()
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        rest = text[m.end() : line_end].strip()
        title = _title(rest)
        if not title or (style == "roman" and not _looks_roman_heading(rest)):
            continue
        if style not in order:
            order.append(style)
        end = m.end() + len(text[m.end() : line_end]) - len(text[m.end() : line_end].lstrip()) + len(title)
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        sections.append(Section(label=label, title=title, level=order.index(style) + 1, start=start, end=end))
    return sections


def _title(rest: str) -> str:
    if len(rest) <= MAX_TITLE_CHARS:
        return rest.rstrip(" .;:")
    m = _FIRST_CLAUSE.match(rest)
    return m.group(1).rstrip(" .;:") if m else rest[:MAX_TITLE_CHARS]


def _looks_roman_heading(rest: str) -> bool:
    """``I. MỤC ĐÍCH`` is a heading; ``V. A. Nguyễn`` or ``C. ty`` is not."""
    letters = [c for c in rest[:60] if c.isalpha()]
    return bool(letters) and (sum(c.isupper() for c in letters) / len(letters) > 0.6 or len(rest) < 80)
