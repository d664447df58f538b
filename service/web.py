"""The pages a clerk uses, in Vietnamese: upload, the document list, one document.

Server-rendered Jinja with a little vanilla JS (``static/``). Document text is
always escaped: the highlighted text is built here from the extraction's
offsets, each piece passed through ``markupsafe.escape``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from service.api import (
    STATUS_VI,
    BadFilter,
    accept_upload,
    document_status,
    iso,
    search_documents,
    to_date,
    unit_doc_types,
)
from service.auth import UPLOAD_ROLES, api_error, unit_document, wants_json
from service.drafts import BUTTONS as DRAFT_BUTTONS
from service.drafts import DOCX_TYPE
from service.drafts import STATUS_VI as DRAFT_STATUS_VI

bp = Blueprint("web", __name__)  # templates and static files are the app's (service/templates, static)

ROLE_VI = {"basis": "căn cứ", "mention": "nhắc đến"}
CHECK_VI = {"ok": "khớp", "warning": "cần xem", "error": "sai", "unknown": "chưa rõ"}
DATE_KIND_VI = {
    "date": "ngày", "month": "tháng", "months": "các tháng", "quarter": "quý", "year": "năm",
    "school_year": "năm học", "period": "giai đoạn", "range": "khoảng thời gian", "recurring": "thường xuyên",
}


@bp.app_template_filter("ngay")
def format_day(value: Any) -> str:
    """``2022-03-10`` → ``10/03/2022``; other values (``2022-Q1``) as they are; nothing → ``—``."""
    if value in (None, ""):
        return "—"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    day = to_date(text) if len(text) == 10 else None
    return day.strftime("%d/%m/%Y") if day else text


@bp.app_template_filter("giotao")
def format_time(value: Any) -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y %H:%M") + " UTC" if hasattr(value, "strftime") else str(value)


@bp.app_template_filter("kichthuoc")
def format_size(size: int | None) -> str:
    if not size:
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


# ---------------------------------------------------------------- highlighting


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # "ref" or "date"
    index: int
    title: str

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.index}"


def _spans(data: dict[str, Any]) -> list[Span]:
    text = data.get("text") or ""
    spans: list[Span] = []
    for kind, key, title_key in (("ref", "references", "ref"), ("date", "dates", "value")):
        for index, item in enumerate(data.get(key) or []):
            start, end = item.get("start"), item.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
                continue
            if item.get("text") and text[start:end] != item["text"]:
                continue  # offsets that do not point at the quoted text would mislead: leave it plain
            spans.append(Span(start, end, kind, index, str(item.get(title_key) or item.get("text") or "")))
    return spans


def highlight(data: dict[str, Any]) -> Markup:
    """The extraction's text, escaped, with every reference and date in a ``<mark>`` linked to its entry.

    Spans may nest (a date inside a citation) or even overlap: the text is cut at
    every span boundary and each piece is marked with all the kinds covering it,
    linking to the innermost span, so the HTML never nests anchors.
    """
    text = data.get("text") or ""
    spans = _spans(data)
    if not spans:
        return escape(text)
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starts: dict[int, list[Span]] = {}
    for span in spans:
        starts.setdefault(span.start, []).append(span)
    out: list[Markup] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for span in starts.get(a, []):
            out.append(Markup('<span class="anchor" id="t-{}"></span>').format(span.anchor))
        covering = [s for s in spans if s.start <= a and s.end >= b]
        piece = text[a:b]
        if not covering:
            out.append(escape(piece))
            continue
        inner = min(covering, key=lambda s: (s.end - s.start, s.kind != "date"))
        kinds = " ".join(sorted({f"hl-{s.kind}" for s in covering}))
        out.append(Markup('<mark class="{}" title="{}"><a href="#{}">{}</a></mark>').format(
            kinds, inner.title, inner.anchor, piece))
    return Markup("").join(out)


# ---------------------------------------------------------------- pages


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("web.documents"))
    return redirect(url_for("auth.login"))


@bp.get("/documents")
@login_required
def documents():
    """Danh sách văn bản: search and filters over the unit's documents."""
    from store.db import session

    error = None
    with session() as s:
        try:
            rows, total, page, per_page = search_documents(current_user, request.args, s)
        except BadFilter:
            error = "Ngày lọc không hợp lệ (định dạng ngày/tháng/năm)."
            rows, total, page, per_page = [], 0, 1, 20
        items = [_row(doc) for doc in rows]
        types = unit_doc_types(current_user, s)
    pages = max(1, -(-total // per_page))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("documents.html", items=items, total=total, page=page, pages=pages,
                           args=args, types=types, error=error, status_vi=STATUS_VI)


def _row(doc) -> dict[str, Any]:
    return {
        "id": doc.id, "filename": doc.filename, "status": doc.status, "doc_type": doc.doc_type,
        "issuer": doc.issuer, "ref": doc.ref, "doc_date": iso(doc.doc_date), "subject": doc.subject,
        "created_at": doc.created_at, "stage_vi": document_status(doc)["stage_vi"],
        "error_vi": doc.error_vi,
    }


@bp.get("/upload")
@login_required
def upload_page():
    """Tải văn bản lên: drag and drop several files, one progress bar each."""
    from flask import current_app

    return render_template("upload.html", can_upload=current_user.role in UPLOAD_ROLES,
                           max_mb=current_app.config["VANTHU_MAX_UPLOAD_MB"])


@bp.post("/upload")
@login_required
def upload():
    """The upload form (CSRF-protected). The page's script sends one file per request and
    asks for JSON; without script the form posts all files and lands on the list."""
    if current_user.role not in UPLOAD_ROLES:
        if wants_json():
            return api_error(403, "forbidden", "Vai trò của bạn không được tải văn bản lên.",
                             "Your role may not upload documents.")
        abort(403)
    files = [f for f in request.files.getlist("file") if f and f.filename]
    if not files:
        if wants_json():
            return api_error(400, "no_file", "Chưa chọn tệp.", "No file was sent.")
        flash("Chưa chọn tệp nào.", "error")
        return redirect(url_for("web.upload_page"))
    results = []
    for upload_file in files:
        status, created = accept_upload(current_user, upload_file)
        results.append({"id": status["id"], "status": status["status"],
                        "status_url": url_for("api.document", document_id=status["id"]),
                        "duplicate": not created, "document": status})
    if wants_json():
        return jsonify(items=results), (202 if any(not r["duplicate"] for r in results) else 200)
    for item in results:
        name = item["document"]["filename"]
        if item["duplicate"]:
            flash(f"«{name}» đã được tải lên trước đây.", "info")
        else:
            flash(f"Đã nhận «{name}», đang xử lý.", "success")
    return redirect(url_for("web.documents"))


@bp.get("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    """One document: identity card, highlighted text, references, tasks, recipients, downloads."""
    from store.db import session
    from store.models import Extraction

    with session() as s:
        doc = unit_document(document_id, current_user, s)
        if doc is None:
            abort(404)
        status = document_status(doc)
        row = s.get(Extraction, doc.id) if doc.status == "done" else None
        data = row.data if row is not None else None
        info = {"id": doc.id, "filename": doc.filename, "size": doc.size, "created_at": doc.created_at,
                "media_type": doc.media_type}
        drafts = [{"id": d.id, "title": d.title, "status": d.status,
                   "status_vi": DRAFT_STATUS_VI.get(d.status, d.status)} for d in doc.drafts]
    context: dict[str, Any] = {"doc": info, "status": status, "data": data}
    if data:
        context.update(
            header=data.get("header") or {},
            text_html=highlight(data),
            references=data.get("references") or [],
            dates=data.get("dates") or [],
            tasks=data.get("tasks") or [],
            recipients=data.get("recipients") or [],
            warnings=data.get("warnings") or [],
            source=data.get("source") or {},
            role_vi=ROLE_VI, check_vi=CHECK_VI, date_kind_vi=DATE_KIND_VI,
            today=date.today().isoformat(),
            drafts=drafts, draft_buttons=DRAFT_BUTTONS, can_draft=current_user.role in UPLOAD_ROLES,
            is_docx=info["media_type"] == DOCX_TYPE or info["filename"].lower().endswith(".docx"),
        )
    return render_template("document.html", **context)


@bp.get("/documents/<int:document_id>/file")
@login_required
def document_file(document_id: int):
    """The original file as uploaded (another unit's id is 404 like everywhere)."""
    from store import blobs
    from store.db import session

    with session() as s:
        doc = unit_document(document_id, current_user, s)
        if doc is None:
            abort(404)
        sha, filename, media_type = doc.sha256, doc.filename, doc.media_type
    path = blobs.path(sha)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=media_type or "application/octet-stream", as_attachment=True,
                     download_name=filename)
