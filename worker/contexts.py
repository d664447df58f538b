"""Template contexts from an extraction and a clerk's form: what the drafts are filled with.

Public entry: ``build_context(template, extraction, form, *, received=None) -> dict``, for the
templates drafted from one document (``phieu_tom_tat``, ``quyet_dinh``, ``bao_cao``). Field
names are those of ``docs/TEMPLATES.md``. Facts come from the extraction; what it cannot know
(the new document's number, the signer, who executes a decision, which tasks are done) comes
from ``form``, whose values always win. ``form_defaults`` gives the form its initial values: the
document's own values where they carry over (issuer, place, symbol), never invented ones.
The result is checked against the manifest by ``worker.render`` before anything is rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nlp.asks import get_asks

DRAFTABLE = ("phieu_tom_tat", "quyet_dinh", "bao_cao", "ke_hoach")
TITLES_VI = {
    "phieu_tom_tat": "Phiếu tóm tắt văn bản đến",
    "quyet_dinh": "Quyết định ban hành",
    "bao_cao": "Báo cáo",
    "bao_cao_tong_hop": "Báo cáo tổng hợp",
    "ke_hoach": "Kế hoạch",
}
REVIEW_VI = {
    "number": "Số văn bản", "date": "Ngày ban hành", "issuer": "Cơ quan ban hành", "symbol": "Ký hiệu",
    "signer_name": "Người ký", "signer_title": "Chức vụ người ký", "subject": "Trích yếu",
}
CHECK_VI = {"ok": "Hợp lệ", "warning": "Cần lưu ý", "error": "Có sai sót", "unknown": "Chưa rõ"}
# The phiếu must fit one page with room for the leader's instruction: the longest parts are capped
# (the full lists are on the document's page) and each quoted sentence is cut.
MAX_DIGEST_TASKS = 3
MAX_DIGEST_CITATIONS = 4
MAX_DIGEST_ASKS = 2
MAX_DIGEST_DEADLINES = 2
MAX_DIGEST_CHARS = 200
_FORM_LIST_SPLIT = re.compile(r"\r?\n")


def _header(extraction: dict[str, Any]) -> dict[str, Any]:
    return extraction.get("header") or {}


def _day(value: Any) -> str:
    """``2025-02-10`` → ``10/02/2025``; a month or other value as it is; nothing → empty."""
    if not value:
        return ""
    text = str(value)
    try:
        return dt.date.fromisoformat(text[:10]).strftime("%d/%m/%Y") if len(text) >= 10 else text
    except ValueError:
        return text


def _lines(value: Any) -> list[str]:
    """A form's multi-line text as a list of non-empty lines (lists pass through)."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if not value:
        return []
    return [line.strip() for line in _FORM_LIST_SPLIT.split(str(value)) if line.strip()]


def _short(text: str) -> str:
    """A quoted sentence cut at a word boundary for the one-page digest."""
    if len(text) <= MAX_DIGEST_CHARS:
        return text
    return text[:MAX_DIGEST_CHARS].rsplit(" ", 1)[0].rstrip(",;") + " …"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


def _symbol_for(code: str, symbol: str | None) -> str:
    """The new document's symbol in the issuer's series: ``KH-PGDĐT`` → ``QĐ-PGDĐT``."""
    if not symbol or "-" not in symbol:
        return ""
    return f"{code}-{symbol.split('-', 1)[1]}"


def _ref_text(extraction: dict[str, Any]) -> str:
    h = _header(extraction)
    if h.get("ref"):
        return str(h["ref"])
    if h.get("symbol"):
        return f"…/{h['symbol']}"  # the number is not stated (handwritten, or blank): a human confirms it
    return ""


def _source_line(extraction: dict[str, Any]) -> str:
    """``Kế hoạch số 217/KH-PGDĐT ngày 05/3/2022 của Phòng Giáo dục và Đào tạo`` as far as known."""
    h = _header(extraction)
    parts = [h.get("doc_type") or "Văn bản"]
    ref = _ref_text(extraction)
    if ref:
        parts.append(f"số {ref}")
    if h.get("date"):
        parts.append(f"ngày {_day(h['date'])}")
    if h.get("issuer"):
        parts.append(f"của {_title_case(h['issuer'])}")
    return " ".join(parts)


def _title_case(name: str) -> str:
    """An issuer printed in capitals (``PHÒNG GIÁO DỤC VÀ ĐÀO TẠO``) as written in running text."""
    if not name.isupper():
        return name
    words = name.lower().split()
    keep_upper = {"ubnd", "hđnd", "gdđt", "gd&đt", "thpt", "thcs", "tw"}
    return " ".join(w.upper() if w in keep_upper else w for w in words).capitalize()


def form_defaults(template: str, extraction: dict[str, Any], *, unit_name: str) -> dict[str, Any]:
    """Initial values of the form for ``template``: only what carries over from the document."""
    h = _header(extraction)
    issuer = h.get("issuer") or ""
    common = {"parent_issuer": h.get("parent_issuer") or "", "issuer": issuer or unit_name,
              "place": h.get("place") or "", "number": "", "date": "", "year": str(dt.date.today().year),
              "signer_authority": "", "signer_title": "", "signer_name": "", "recipients": ""}
    if template == "phieu_tom_tat":
        return {"unit": unit_name, "parent_unit": "", "incoming_number": "", "received_date": "",
                "doc_subject": h.get("subject") or "", "proposal": "", "prepared_by": ""}
    if template == "quyet_dinh":
        bases = [f"Căn cứ {r['text']};" for r in extraction.get("references") or []
                 if r.get("role") == "basis" and r.get("text")]
        return {**common, "symbol": _symbol_for("QĐ", h.get("symbol")),
                "subject": f"Về việc ban hành {h.get('doc_type') or 'văn bản'} "
                           f"{_lower_first(h.get('subject') or '')}".strip(),
                "authority": "", "bases": "\n".join(bases), "proposal": "",
                "executors": "", "recipients": "Như Điều 3;\nLưu: VT."}
    if template == "bao_cao":
        today = dt.date.today()
        first = today.replace(day=1)
        return {**common, "symbol": _symbol_for("BC", h.get("symbol")),
                "subject": f"Kết quả thực hiện {_source_line(extraction)}",
                "period_from": first.isoformat(), "period_to": today.isoformat(), "intro": "",
                "proposals": "", "closing": "", "done": [], "recipients": f"{_title_case(issuer)} (b/c);\nLưu: VT."
                if issuer else "Lưu: VT."}
    if template == "ke_hoach":
        return {**common, "number": h.get("number") or "", "symbol": h.get("symbol") or "",
                "date": h.get("date") or "", "subject": h.get("subject") or "",
                "signer_authority": h.get("signer_authority") or "", "signer_title": h.get("signer_title") or "",
                "signer_name": h.get("signer_name") or "",
                "recipients": "\n".join(extraction.get("recipients") or [])}
    raise KeyError(template)


def build_context(template: str, extraction: dict[str, Any], form: dict[str, Any], *,
                  received: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The context of ``template`` for a draft made from the document whose extraction is given."""
    builders = {"phieu_tom_tat": _digest, "quyet_dinh": _decision, "bao_cao": _report, "ke_hoach": _plan}
    if template not in builders:
        raise KeyError(template)
    return builders[template](extraction, form, received or [])


def _common(form: dict[str, Any]) -> dict[str, Any]:
    keys = ("parent_issuer", "issuer", "number", "symbol", "place", "date", "year", "subject",
            "signer_authority", "signer_title", "signer_name")
    ctx = {k: (str(form.get(k)).strip() if form.get(k) is not None else None) for k in keys}
    ctx = {k: (v or None) for k, v in ctx.items()}
    ctx["recipients"] = [r.lstrip("-– ").rstrip(";.") for r in _lines(form.get("recipients"))]
    return ctx


def _digest(extraction: dict[str, Any], form: dict[str, Any], _received: list) -> dict[str, Any]:
    h = _header(extraction)
    asks = get_asks(extraction.get("text") or "", extraction.get("dates") or [])
    deadlines = [{"date": _day(d.date), "text": _short(d.text)} for d in asks.deadlines]
    # The task items' own deadlines are in the task table (Thời gian), not repeated here.
    deadlines = deadlines[:MAX_DIGEST_DEADLINES]
    tasks = [{"text": _short(t.get("text") or ""), "lead": ", ".join(t.get("lead") or []),
              "timeframe": t.get("timeframe") or ""} for t in (extraction.get("tasks") or [])]
    more = len(tasks) - MAX_DIGEST_TASKS + 1
    if more > 1:
        tasks = tasks[:MAX_DIGEST_TASKS - 1]
        tasks.append({"text": f"… và {more} nhiệm vụ khác (xem văn bản)", "lead": "", "timeframe": ""})
    citations = []
    for ref in extraction.get("references") or []:
        check = ref.get("check") or {}
        status = check.get("status")
        reasons = [f["message"] for f in check.get("findings") or [] if f.get("severity") != "info"]
        result = CHECK_VI.get(status, "Chưa kiểm tra") + (": " + "; ".join(reasons) if reasons else "")
        citations.append({"ref": ref.get("ref") or ref.get("text") or "", "result": result,
                          "flagged": "x" if status in ("warning", "error") else ""})
    # One page: the flagged citations first, the rest counted.
    citations.sort(key=lambda c: c["flagged"] != "x")
    if len(citations) > MAX_DIGEST_CITATIONS:
        more_refs = len(citations) - MAX_DIGEST_CITATIONS + 1
        citations = citations[:MAX_DIGEST_CITATIONS - 1]
        citations.append({"ref": f"… và {more_refs} văn bản khác", "result": "xem trang văn bản", "flagged": ""})
    review = [f"{REVIEW_VI.get(f, f)}: cần đối chiếu với bản gốc" for f in h.get("review") or []]
    signer = " ".join(v for v in (h.get("signer_title"), h.get("signer_name")) if v)
    return {
        "parent_unit": (form.get("parent_unit") or "").strip() or None,
        "unit": (form.get("unit") or "").strip() or None,
        "incoming_number": (form.get("incoming_number") or "").strip() or None,
        "received_date": (form.get("received_date") or "").strip() or None,
        "doc_issuer": _title_case(h.get("issuer") or "") or None,
        "doc_ref": _ref_text(extraction) or None,
        "doc_date": _day(h.get("date")) or None,
        "doc_type": h.get("doc_type") or None,
        "doc_subject": (form.get("doc_subject") or "").strip() or h.get("subject") or None,
        "doc_signer": signer or None,
        "doc_urgency": h.get("urgency") or None,
        "asks": [_short(r.text) for r in asks.requests[:MAX_DIGEST_ASKS]],
        "deadlines": deadlines,
        "tasks": tasks,
        "citations": citations,
        "review": review,
        "proposal": (form.get("proposal") or "").strip() or None,
        "prepared_by": (form.get("prepared_by") or "").strip() or None,
    }


def _decision(extraction: dict[str, Any], form: dict[str, Any], _received: list) -> dict[str, Any]:
    h = _header(extraction)
    ctx = _common(form)
    what = f"{h.get('doc_type') or 'văn bản'} {_lower_first(h.get('subject') or '')}".strip()
    executors = (form.get("executors") or "").strip() or None
    articles = [
        {"text": f"Ban hành kèm theo Quyết định này {what}.", "paragraphs": []},
        {"text": "Quyết định này có hiệu lực kể từ ngày ký.", "paragraphs": []},
    ]
    if executors:
        articles.append({"text": f"{executors} chịu trách nhiệm thi hành Quyết định này.", "paragraphs": []})
    ctx.update(authority=(form.get("authority") or "").strip() or None, bases=_lines(form.get("bases")),
               proposal=(form.get("proposal") or "").strip() or None, articles=articles)
    return ctx


def iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _report(extraction: dict[str, Any], form: dict[str, Any], received: list[dict[str, Any]]) -> dict[str, Any]:
    ctx = _common(form)
    end = iso_date(form.get("period_to"))
    done = {str(i) for i in (form.get("done") or [])}
    tasks_done, tasks_due = [], []
    for i, task in enumerate(extraction.get("tasks") or []):
        due = task.get("due_date")
        due_day = iso_date(due)
        if due_day and end and due_day > end:
            continue  # falls due after the period: not this report's business
        item = {"text": task.get("text") or "", "lead": ", ".join(task.get("lead") or []),
                "due": task.get("timeframe") or _day(due)}
        if str(i) in done:
            tasks_done.append({**item, "result": (form.get(f"result_{i}") or "").strip() or "Đã hoàn thành"})
        else:
            tasks_due.append({**item, "status": "Chưa có báo cáo kết quả"})
    rows = [{"ref": r.get("ref") or "", "date": _day(r.get("doc_date")), "issuer": r.get("issuer") or "",
             "subject": r.get("subject") or "", "deadline": r.get("deadline") or "", "status": r.get("status") or ""}
            for r in received]
    ctx.update(period_from=form.get("period_from") or None, period_to=form.get("period_to") or None,
               intro=(form.get("intro") or "").strip() or None, sections=[], received=rows,
               tasks_done=tasks_done, tasks_due=tasks_due, proposals=_lines(form.get("proposals")),
               closing=(form.get("closing") or "").strip() or None)
    return ctx


_CLOSING_MARK = re.compile(r"\s*\./\.\s*$")
_BASIS_START = re.compile(r"^(?:Căn cứ|Thực hiện|Tiếp theo|Theo)\b")


def _plan(extraction: dict[str, Any], form: dict[str, Any], _received: list) -> dict[str, Any]:
    """A plan rebuilt from its extraction (a scanned plan redrafted in our layout): the body's
    lines between its top-level sections, the task items as the table, the closing line."""
    text = extraction.get("text") or ""
    ctx = _common(form)
    heads = [s for s in extraction.get("sections") or [] if isinstance(s.get("start"), int)]
    tops = [s for s in heads if s.get("level") == 1]
    end = text.find("\nNơi nhận")
    end = end if end > 0 else len(text)
    task_spans = [(t["start"], t["end"]) for t in extraction.get("tasks") or []
                  if t.get("source") == "table" and isinstance(t.get("start"), int)]
    table = (min(a for a, _ in task_spans), max(b for _, b in task_spans)) if task_spans else None
    # The table's last cells run until the next heading.
    table_stop = min((h["start"] for h in heads if table and h["start"] > table[1]), default=end)

    def lines(a: int, b: int) -> list[str]:
        out = []
        pos = a
        for line in text[a:b].split("\n"):
            here, pos = pos, pos + len(line) + 1
            if table and table[0] - 200 <= here <= table[1]:
                continue  # the task table's cells come back as the template's table
            if table and table[1] < here < table_stop and len(line.strip()) < 40 and not line.rstrip().endswith((".", ";", ":")):
                continue  # the last row's unit and time cells, after the last task's text
            if line.strip():
                out.append(line.strip())
        return out

    first = tops[0]["start"] if tops else end
    preamble = lines(0, first)
    subject_at = next((i for i, line in enumerate(preamble) if ctx.get("subject") and ctx["subject"] in line), -1)
    preamble = preamble[subject_at + 1:]
    bases = [line for line in preamble if _BASIS_START.match(line)]
    intro = " ".join(line for line in preamble if line not in bases) or None
    sections = []
    for k, top in enumerate(tops):
        stop = tops[k + 1]["start"] if k + 1 < len(tops) else end
        body = lines(top["end"], stop)
        sections.append({"title": f"{top.get('label') or ''} {top.get('title') or ''}".strip(), "paragraphs": body})
    closing = None
    if sections and sections[-1]["paragraphs"] and _CLOSING_MARK.search(sections[-1]["paragraphs"][-1]):
        closing = _CLOSING_MARK.sub("", sections[-1]["paragraphs"].pop())
    tasks = [{"index": t.get("index"), "text": t.get("text") or "", "lead": t.get("lead") or [],
              "partners": t.get("partners") or [], "timeframe": t.get("timeframe") or ""}
             for t in extraction.get("tasks") or []]
    ctx.update(bases=bases, intro=intro, sections=sections, tasks=tasks, closing=closing)
    return ctx


def consolidation_contexts(data: dict[str, Any], form: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Quyết định khen thưởng (with its annex) and the Báo cáo tổng hợp, from a consolidation's
    reviewed JSON form (``worker.consolidate``) and the clerk's form (``decision_*``, ``report_*``
    and the shared header fields)."""
    from worker.consolidate import annex_context, from_dict, summary_context

    c = from_dict(data)
    annex = annex_context(c)
    kept = [r for r in c.rows if r.id not in set(c.excluded)]
    people = sum(1 for r in kept if not r.collective)
    groups = sum(1 for r in kept if r.collective)
    common = {k: (form.get(k) or "").strip() or None for k in
              ("parent_issuer", "issuer", "place", "year", "signer_authority", "signer_title", "signer_name")}
    common["recipients"] = [r.lstrip("-– ").rstrip(";.") for r in _lines(form.get("recipients", ""))]
    whom = " và ".join(p for p in (f"{people} cá nhân" if people else "", f"{groups} tập thể" if groups else "") if p)
    articles = [
        {"text": f"Công nhận danh hiệu thi đua, tặng Giấy khen cho {whom or 'các cá nhân, tập thể'} "
                 "có tên trong danh sách kèm theo Quyết định này.", "paragraphs": []},
        {"text": "Kinh phí khen thưởng thực hiện theo quy định hiện hành.", "paragraphs": []},
    ]
    executors = (form.get("executors") or "").strip()
    if executors:
        articles.append({"text": f"{executors} chịu trách nhiệm thi hành Quyết định này.", "paragraphs": []})
    decision = {**common, "symbol": (form.get("decision_symbol") or "").strip() or None,
                "subject": (form.get("decision_subject") or "").strip() or None,
                "authority": (form.get("authority") or "").strip() or None, "bases": _lines(form.get("bases", "")),
                "proposal": (form.get("proposal") or "").strip() or None, "articles": articles, "annex": annex}
    summary = {**common, "symbol": (form.get("report_symbol") or "").strip() or None,
               "subject": (form.get("report_subject") or "").strip() or None,
               "intro": (form.get("report_intro") or "").strip() or None,
               "closing": (form.get("report_closing") or "").strip().rstrip("./") or None, **summary_context(c)}
    summary["recipients"] = [r for r in common["recipients"] if "Điều" not in r] or ["Lưu: VT"]
    return decision, summary
