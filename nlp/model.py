"""The one output model every reader produces, whatever the input format.

A reader turns bytes into ``RawPage`` items (lines with optional geometry,
paragraphs it already knows, tables). ``nlp.layout.assemble`` turns those into a
``ReadResult``: one normalized ``text`` plus ordered ``Block``s whose offsets
point into it. Keeping this in ``nlp`` lets every later stage (extraction,
drafting) depend on plain data, never on a file format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "table", "page_break"]
# The formats of the extraction contract (shared/contract/EXTRACTION.md). RTF is
# reported as "doc" and Markdown as "txt"; ``Source.media_type`` keeps the detail.
SourceFormat = Literal["docx", "doc", "odt", "pdf", "pdf-scanned", "image", "txt"]


# ---------------------------------------------------------------- raw items


@dataclass
class RawLine:
    """One visual line as a reader saw it, before paragraphs are rebuilt.

    Geometry (points for PDF, pixels for OCR) is optional: plain text has none,
    and the layout step then falls back on the words alone.
    """

    text: str
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    size: float | None = None
    bold: bool = False
    centered: bool = False
    # True when the reader already knows this line ends a paragraph (OCR
    # paragraph ids, a blank line in text). None means "decide from layout".
    para_end: bool | None = None


@dataclass
class RawParagraph:
    """A paragraph whose boundaries the source states (DOCX, ODT, Markdown)."""

    text: str
    heading: bool = False
    style: str | None = None


@dataclass
class RawCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class RawTable:
    """Rows × cells; a merged cell appears once with its span."""

    rows: list[list[RawCell]]
    # The two-column header table of an official document (issuer | Quốc hiệu).
    layout: bool = False


RawItem = RawLine | RawParagraph | RawTable


@dataclass
class RawPage:
    number: int
    items: list[RawItem] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    ocr: bool = False
    ocr_confidence: float | None = None


# ---------------------------------------------------------------- output


@dataclass
class Cell:
    text: str
    start: int
    end: int
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Block:
    kind: BlockKind
    start: int
    end: int
    page: int
    text: str = ""
    rows: list[list[Cell]] | None = None
    page_end: int | None = None  # last page a block runs onto, when it crosses a break
    layout: bool = False  # a header table laid out in columns rather than data


@dataclass
class Source:
    filename: str | None
    sha256: str
    format: SourceFormat
    media_type: str
    pages: int
    ocr: bool = False
    ocr_confidence: list[float | None] = field(default_factory=list)
    converted_by: str | None = None  # "libreoffice" when a legacy format was converted
    running_text: list[str] = field(default_factory=list)  # headers/footers, not part of ``text``


@dataclass
class ReadResult:
    source: Source
    text: str
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form used by ``vanthu read --json`` and the API."""
        return {
            "source": asdict(self.source),
            "text": self.text,
            "blocks": [_block_dict(b) for b in self.blocks],
            "warnings": list(self.warnings),
        }


def _block_dict(block: Block) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": block.kind,
        "page": block.page,
        "start": block.start,
        "end": block.end,
    }
    if block.page_end is not None and block.page_end != block.page:
        out["page_end"] = block.page_end
    if block.kind == "table" and block.rows is not None:
        out["layout"] = block.layout
        out["rows"] = [[asdict(c) for c in row] for row in block.rows]
    return out
