"""The rq jobs that draft documents: render a template, read a batch of schools' submissions.

``render_draft(draft_id)`` fills the draft's template (the unit's own variant when it
uploaded one, else ours) with the stored context, checks the output's format (Nghị định
30), converts it to PDF with LibreOffice and stores both. ``consolidate_batch(id)`` reads the
submissions of a ``Consolidation`` into reviewable rows. Both keep their row's ``status``
(``queued → running → done | failed``) and ``stage``:

- a ``RenderError`` (bad context or template) or a ``ReadError`` (bad input) is final: the row
  is failed with the reason in Vietnamese and English and the job returns normally;
- anything else propagates, rq retries, and ``on_task_failure`` fails the row once no retry
  is left. A PDF conversion failure is not fatal: the DOCX stays downloadable and the PDF is
  made again on demand.
"""

from __future__ import annotations

import logging
from typing import Any

from rq import get_current_job

log = logging.getLogger(__name__)

INTERNAL_ERROR = {
    "code": "internal_error",
    "vi": "Lỗi hệ thống khi soạn văn bản; hãy thử lại sau ít phút hoặc báo quản trị viên.",
    "en": "An internal error stopped the drafting; try again later or tell the administrator.",
}


def _set(model: Any, row_id: int, **values: Any) -> None:
    from store.db import session

    with session() as s:
        row = s.get(model, row_id)
        if row is not None:
            for key, value in values.items():
                setattr(row, key, value)


def _meta(**values: Any) -> None:
    job = get_current_job()
    if job is None:
        return
    try:
        job.meta.update(values)
        job.save_meta()
    except Exception:  # progress is best effort
        log.warning("job %s: could not save meta", job.id, exc_info=True)


def template_source(session: Any, unit_id: int, template: str) -> tuple[bytes | None, dict[str, Any]]:
    """The unit's own template bytes for ``template`` (None: ours) and the manifest it must fit."""
    from sqlalchemy import select

    from store import blobs
    from store.models import UnitTemplate
    from worker.render import load_manifest

    manifest = load_manifest(template)
    own = session.scalars(select(UnitTemplate).where(UnitTemplate.unit_id == unit_id,
                                                     UnitTemplate.name == template)).first()
    return (blobs.get(own.blob_sha256) if own is not None else None), manifest


def render_context(template: str, context: dict[str, Any], custom: bytes | None,
                   manifest: dict[str, Any]) -> bytes:
    """Render ours or the unit's variant (both sandboxed, both checked against the manifest)."""
    from worker.render import render, render_bytes

    if custom is not None:
        return render_bytes(custom, manifest, context)
    return render(template, context)


NEXT_YEAR = "ke_hoach_nam_sau"


def _next_year(document_id: int, unit_id: int, context: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """Next year's plan from the stored document (``worker.rollover``); the change list joins the context."""
    from store import blobs
    from store.db import session
    from store.models import Document
    from worker.rollover import draft_next_year, registry_resolver

    with session() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise LookupError(f"document {document_id} vanished")
        sha, filename = doc.sha256, doc.filename
    with session() as s:
        result = draft_next_year(blobs.get(sha), filename, to_year=context.get("to_year"),
                                 from_year=context.get("from_year"), resolve=registry_resolver(s, unit_id))
    return result.data, {**context, "from_year": result.from_year, "to_year": result.to_year, **result.to_dict()}


def render_error_text(exc: Any) -> tuple[str, str]:
    """A ``RenderError`` as one Vietnamese and one English text, a line per field."""
    vi = "\n".join([exc.vi, *(f"- {p['path']}: {p['vi']}" for p in exc.problems)])
    en = "\n".join([exc.en, *(f"- {p['path']}: {p['en']}" for p in exc.problems)])
    return vi, en


def render_draft(draft_id: int) -> None:
    """Render one draft, check its format, make its PDF and store them (the rq job)."""
    from store import blobs
    from store.db import session
    from store.models import Draft, utcnow
    from worker.errors import ReadError
    from worker.format_check import check_format
    from worker.readers.office import convert_to_pdf
    from worker.render import RenderError

    with session() as s:
        draft = s.get(Draft, draft_id)
        if draft is None:
            raise LookupError(f"draft {draft_id} does not exist")
        if draft.status == "done" and draft.blob_sha256:
            return
        draft.status, draft.error_code, draft.error_vi, draft.error_en = "running", None, None, None
        template, context, unit_id = draft.template, dict(draft.context), draft.unit_id
        kind, document_id = draft.kind, draft.document_id
        custom, manifest = template_source(s, unit_id, template)
    _meta(stage="render")
    try:
        if kind == NEXT_YEAR:
            data, context = _next_year(document_id, unit_id, context)
            _set(Draft, draft_id, context=context)
        else:
            data = render_context(template, context, custom, manifest)
    except ReadError as exc:
        _set(Draft, draft_id, status="failed", error_code=exc.code, error_vi=exc.vi, error_en=exc.en,
             finished_at=utcnow())
        _meta(stage="failed")
        return
    except RenderError as exc:
        log.info("draft %s: %s", draft_id, exc.message)
        vi, en = render_error_text(exc)
        _set(Draft, draft_id, status="failed", error_code=exc.code, error_vi=vi, error_en=en,
             finished_at=utcnow())
        _meta(stage="failed")
        return
    sha = blobs.put(data)
    _meta(stage="format")
    report = check_format(data).to_dict()
    _set(Draft, draft_id, blob_sha256=sha, format_report=report)
    _meta(stage="pdf")
    pdf_sha = None
    try:
        pdf_sha = blobs.put(convert_to_pdf(data))
    except Exception:  # noqa: BLE001 - the DOCX is the draft; its PDF is made again on download
        log.warning("draft %s: PDF conversion failed", draft_id, exc_info=True)
    _set(Draft, draft_id, pdf_sha256=pdf_sha, status="done", finished_at=utcnow())
    _meta(stage="done")


def consolidate_batch(consolidation_id: int) -> None:
    """Read every submission of a consolidation into rows for the clerk's review (the rq job)."""
    from store import blobs
    from store.db import session
    from store.models import Consolidation, Document, Extraction, utcnow
    from worker.consolidate import consolidate
    from worker.errors import ReadError
    from worker.readers import read_document

    with session() as s:
        batch = s.get(Consolidation, consolidation_id)
        if batch is None:
            raise LookupError(f"consolidation {consolidation_id} does not exist")
        batch.status, batch.stage = "running", "read"
        ids, unit_id = list(batch.document_ids), batch.unit_id
        sources = []
        for document_id in ids:
            doc = s.get(Document, document_id)
            row = s.get(Extraction, document_id) if doc is not None else None
            if doc is None or doc.unit_id != unit_id or row is None:
                continue
            sources.append((document_id, doc.filename, doc.sha256, row.data))
    submissions = []
    for k, (document_id, filename, sha, extraction) in enumerate(sources, 1):
        _set(Consolidation, consolidation_id, stage="read", progress_done=k - 1, progress_total=len(sources))
        _meta(stage="read", done=k - 1, total=len(sources))
        try:
            result = read_document(blobs.get(sha), filename=filename)
        except ReadError as exc:
            _set(Consolidation, consolidation_id, status="failed", stage="failed", error_code=exc.code,
                 error_vi=f"{filename}: {exc.vi}", error_en=f"{filename}: {exc.en}", finished_at=utcnow())
            return
        extraction = {**extraction, "document_id": document_id, "filename": filename}
        submissions.append((extraction, result))
    data = consolidate(submissions).to_dict()
    data["document_ids"] = [s[0] for s in sources]
    _set(Consolidation, consolidation_id, data=data, status="done", stage="done",
         progress_done=len(sources), progress_total=len(sources), finished_at=utcnow())
    _meta(stage="done", done=len(sources), total=len(sources))


def on_task_failure(job: Any, connection: Any, exc_type: Any = None, exc_value: Any = None,
                    traceback: Any = None) -> None:
    """rq failure callback: fail the draft or consolidation once rq has no retry left."""
    from store.models import Consolidation, Draft, utcnow

    try:
        if job.should_retry:
            return
        model = Draft if job.meta.get("kind") == "draft" else Consolidation
        _set(model, int(job.args[0]), status="failed", error_code=INTERNAL_ERROR["code"],
             error_vi=INTERNAL_ERROR["vi"], error_en=INTERNAL_ERROR["en"], finished_at=utcnow())
    except Exception:
        log.exception("failure callback of job %s raised", getattr(job, "id", "?"))
