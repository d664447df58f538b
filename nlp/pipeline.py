"""The spaCy pipeline for Vietnamese administrative documents.

A blank ``vi`` pipeline with syllable tokenization (``use_pyvi=False``): the
components are rule-based and work on characters and lines, so word
segmentation would only cost time (measured in docs/NLP.md). Each component
wraps one module's public entry and stores its result on the Doc, so a caller
can use spaCy (``doc.spans["references"]``) or plain dataclasses alike.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from nlp.dates import get_dates
from nlp.header import get_header
from nlp.recipients import get_recipients
from nlp.references import get_references
from nlp.sections import get_sections
from nlp.tasks import get_tasks

COMPONENTS = ("vanthu_header", "vanthu_sections", "vanthu_references", "vanthu_dates",
              "vanthu_tasks", "vanthu_recipients")

for _name in ("header", "sections", "references", "dates", "tasks", "recipients", "warnings", "blocks"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _text(doc: Doc) -> str:
    """``doc.text`` rebuilt from tokens on every access; compute it once per Doc."""
    text = doc.user_data.get("vanthu_text")
    if text is None:
        text = doc.user_data["vanthu_text"] = doc.text
    return text


def _spans(doc: Doc, key: str, items: list, label: str) -> None:
    spans = []
    for item in items:
        span = doc.char_span(item.start, item.end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[key] = spans


@Language.component("vanthu_header")
def header_component(doc: Doc) -> Doc:
    doc._.header = get_header(_text(doc))
    return doc


@Language.component("vanthu_sections")
def sections_component(doc: Doc) -> Doc:
    doc._.sections = get_sections(_text(doc))
    return doc


@Language.component("vanthu_references")
def references_component(doc: Doc) -> Doc:
    doc._.references = get_references(_text(doc))
    _spans(doc, "references", doc._.references, "REF")
    return doc


@Language.component("vanthu_dates")
def dates_component(doc: Doc) -> Doc:
    result = get_dates(_text(doc))
    doc._.dates = result.dates
    doc._.warnings = (doc._.warnings or []) + list(result.warnings)
    _spans(doc, "dates", doc._.dates, "DATE")
    return doc


@Language.component("vanthu_tasks")
def tasks_component(doc: Doc) -> Doc:
    doc._.tasks = get_tasks(_text(doc), doc._.blocks or [])
    return doc


@Language.component("vanthu_recipients")
def recipients_component(doc: Doc) -> Doc:
    doc._.recipients = get_recipients(_text(doc))
    return doc


@functools.cache
def get_pipeline() -> Language:
    """Build the pipeline once per process (no model files: nothing to download)."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    # Syllables are whitespace-separated; a rule-less tokenizer splits them 5× faster than
    # the Vietnamese one (measured in docs/NLP.md) and the components work on characters.
    nlp.tokenizer = Tokenizer(nlp.vocab)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp
