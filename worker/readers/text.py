"""Plain text and Markdown: lines in, paragraphs rebuilt by the layout step."""

from __future__ import annotations

import re

from nlp.model import RawCell, RawLine, RawPage, RawTable
from worker.readers.base import Limits, Progress, RawDocument
from worker.sniff import decode_text

_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def read_text(data: bytes, *, progress: Progress, limits: Limits) -> RawDocument:
    """Read plain text; a form feed is a page break, a blank line ends nothing by itself.

    Text pasted from a PDF (the seed plan) puts a blank line after every wrapped
    line, so blank lines are not paragraph ends: layout decides from the words.
    """
    text = decode_text(data)
    pages = [RawPage(n, [RawLine(line) for line in chunk.split("\n")]) for n, chunk in enumerate(text.split("\f"), 1)]
    progress("read", len(pages), len(pages))
    return RawDocument("txt", pages)


def read_markdown(data: bytes, *, progress: Progress, limits: Limits) -> RawDocument:
    """Read Markdown: ``|`` tables become tables, other lines go to the layout step."""
    text = decode_text(data)
    items: list = []
    table: list[list[RawCell]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            if not _TABLE_RULE.match(stripped.strip("|").strip() or "x"):
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                table.append([RawCell(_md_inline(c).replace("<br>", "\n")) for c in cells])
            continue
        if table:
            items.append(RawTable(table))
            table = []
        if not stripped:
            # In Markdown a blank line does end a paragraph.
            if items and isinstance(items[-1], RawLine):
                items[-1].para_end = True
            continue
        heading = stripped.startswith("#")
        items.append(RawLine(_md_inline(re.sub(r"^#{1,6}\s+", "", stripped)), para_end=heading or None))
    if table:
        items.append(RawTable(table))
    progress("read", 1, 1)
    return RawDocument("txt", [RawPage(1, items)])  # contract formats: Markdown is text; media_type tells


def _md_inline(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", text)  # *emphasis*
    return text
