"""Run the pipeline on a read document and emit the ``vanthu.extraction/1`` contract object."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nlp.header import Header
from nlp.model import Block, Source
from nlp.orgs import expand_org
from nlp.pipeline import get_pipeline

SCHEMA = "vanthu.extraction/1"
_HEADER_KEYS = ("parent_issuer", "issuer", "number", "year", "symbol", "ref", "place", "date", "doc_type",
                "doc_type_code", "subject", "signer_authority", "signer_title", "signer_name")


@dataclass
class Extraction:
    header: Header
    references: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def extract(text: str, blocks: list[Block] | None = None) -> Extraction:
    """Understand ``text`` (and its table blocks): identity, citations, dates, tasks, outline, recipients."""
    nlp = get_pipeline()
    doc = nlp.make_doc(text)
    doc.user_data["vanthu_text"] = text
    doc._.blocks = blocks or []
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return Extraction(
        header=doc._.header,
        references=doc._.references,
        dates=doc._.dates,
        tasks=doc._.tasks,
        sections=doc._.sections,
        recipients=doc._.recipients,
        warnings=list(doc._.warnings or []),
    )


def _with_normalized_issuer(ref: dict[str, Any]) -> dict[str, Any]:
    """Add the issuer with abbreviations spelled out (``UBND`` → ``Ủy ban nhân dân``) for matching."""
    ref["issuer_normalized"] = expand_org(ref["issuer"]) if ref.get("issuer") else None
    return ref


def to_contract(source: Source, text: str, extraction: Extraction, warnings: list[str] | None = None) -> dict[str, Any]:
    """The public JSON object (shared/contract/EXTRACTION.md); extra keys are additions, never renames."""
    header = extraction.header.to_dict()
    out_header = {key: header.get(key) for key in _HEADER_KEYS}
    for extra in ("urgency", "quoc_hieu", "tieu_ngu"):
        out_header[extra] = header.get(extra)
    out_header["issuer_normalized"] = expand_org(out_header["issuer"]) if out_header["issuer"] else None
    out_header["review"] = header.get("review", [])
    out_header["date_month"] = header.get("date_month")
    src = asdict(source)
    return {
        "schema": SCHEMA,
        "source": {"filename": src["filename"] or "", "sha256": src["sha256"], "format": src["format"],
                   "pages": src["pages"], "ocr": src["ocr"], "media_type": src["media_type"],
                   "ocr_confidence": src["ocr_confidence"]},
        "text": text,
        "header": out_header,
        "references": [_with_normalized_issuer(r.to_dict()) for r in extraction.references],
        "dates": [d.to_dict() for d in extraction.dates],
        "tasks": [t.to_dict() for t in extraction.tasks],
        "sections": [s.to_dict() for s in extraction.sections],
        "recipients": list(extraction.recipients),
        "warnings": list(warnings or []) + list(extraction.warnings),
    }
