"""Cross-reference check: fill every reference's ``check`` and the document's ``document_findings``.

``check_extraction(data, session)`` takes a ``vanthu.extraction/1`` object (as
``worker.analyze.analyze`` returns it) and returns it with, for every
``references[]`` item, ``check = {status, as_of, match, findings[]}`` and, at the
top level, ``document_findings[]`` (contract/EXTRACTION.md).

Findings per reference:

- form (``nlp.symbols``): ``malformed_symbol``, ``type_symbol_mismatch``, ``style``;
- registry (``store.registry``): ``not_in_registry`` (info: an unknown local plan
  is not an error), ``ambiguous`` (several candidates; never resolved by a guess),
  ``date_mismatch``, ``issuer_mismatch``, ``not_in_force``, ``replaced``,
  ``not_yet_in_force``; validity is judged on the citing document's date when
  the header states it, else on the registry's as-of date;
- ``cited_after_citing``: the cited text was issued after the citing document.

``status`` is the worst severity: ``error``, then ``warning``; otherwise ``ok``
when a registry entry matched and ``unknown`` when none did.
"""

from __future__ import annotations

import re
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from nlp.consistency import document_findings
from nlp.normalize import strip_diacritics
from nlp.orgs import org_key
from nlp.symbols import parse_symbol, reference_findings
from store.registry import to_date

__all__ = ["check_extraction", "check_reference", "check_file", "format_table"]

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
ISSUER_MIN_SIMILARITY = 0.8
TITLE_MIN_SIMILARITY = 0.85
# "khóa XII", "nhiệm kỳ 2020-2025": term qualifiers that do not change the body
_TERM = re.compile(r"\s+(?:khoa|nhiem ky)\s+[\w\s-]*$")


def _vn(d: date | None) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d else "?"


def _f(code: str, severity: str, message: str) -> dict:
    return {"code": code, "severity": severity, "message": message}


def _label(ref: dict) -> str:
    """How a finding names the cited text: ``Kế hoạch số 217/KH-SGDĐT`` or the law's title."""
    if ref.get("ref"):
        return f"{ref.get('doc_type') or 'Văn bản'} số {ref['ref']}"
    return ref.get("title") or ref.get("doc_type") or "Văn bản"


def _entry_label(e: Any) -> str:
    if e.ref:
        return f"{e.doc_type or 'văn bản'} số {e.ref}"
    return e.title or e.doc_type or "văn bản"


def issuer_matches(cited: str, registered: str) -> bool:
    """Fuzzy: same body after abbreviations are spelt out (``UBND`` = ``Ủy ban nhân dân``), case, tones."""
    a, b = (_TERM.sub("", strip_diacritics(org_key(x))) for x in (cited, registered))
    if not a or not b or a in b or b in a:
        return True
    return SequenceMatcher(None, a, b).ratio() >= ISSUER_MIN_SIMILARITY


def _yearless(ref: dict) -> bool:
    return bool(ref.get("ref")) and not ref.get("year")


def _candidates(session: Any, ref: dict, cited: date | None, unit_id: int | None) -> tuple[list, list]:
    """(entries that may be the cited text, same-ref entries that are other texts)."""
    from store import registry

    if ref.get("ref"):
        found = registry.lookup(session, ref["ref"], issued=cited, unit_id=unit_id)
        if not _yearless(ref) or cited is None:
            return found, []
        # a yearless ref (administrative: per year; Party: per term) is one text only with its date:
        # an entry of another year is a different text with the same number
        same = [e for e in found if e.issued is None or e.issued.year == cited.year]
        return same, [e for e in found if e not in same]
    if ref.get("doc_type") and (cited or ref.get("title")):
        found = registry.lookup(session, doc_type=ref["doc_type"], issued=cited, title=ref.get("title"),
                                unit_id=unit_id)
        if ref.get("title"):  # a law by name is that law only if the titles agree
            found = [e for e in found if not e.title or _title_close(ref["title"], e.title)]
        return found, []
    return [], []


def _title_close(a: str, b: str) -> bool:
    fa, fb = (" ".join(re.sub(r"[^\w\s]", " ", strip_diacritics(x).casefold()).split()) for x in (a, b))
    return fa == fb or SequenceMatcher(None, fa, fb).ratio() >= TITLE_MIN_SIMILARITY


def _validity(session: Any, ref: dict, e: Any, when: date, when_what: str) -> list[dict]:
    """Findings on the matched entry's validity on ``when``."""
    from store import registry

    out: list[dict] = []
    name = _entry_label(e)
    sev = "error" if ref.get("role") == "basis" else "warning"
    eff = e.effective
    if e.status == "replaced":
        succ = registry.successor(session, e)
        succ_from = (succ.effective or succ.issued) if succ else None
        if succ_from and succ_from > when:
            return out  # replaced only after the citing document
        by = f" bởi {_entry_label(succ)}" + (f" ngày {_vn(succ.issued)}" if succ.issued else "") if succ else ""
        out.append(_f("replaced", sev, f"{name} đã bị thay thế{by} (theo sổ đăng ký, tại {when_what} {_vn(when)})."))
    elif e.status == "expired":
        if e.expiry and e.expiry > when:
            return out
        until = f" từ ngày {_vn(e.expiry)}" if e.expiry else ""
        out.append(_f("not_in_force", sev, f"{name} đã hết hiệu lực{until} (tại {when_what} {_vn(when)})."))
    elif e.status == "partly_replaced":
        out.append(_f("not_in_force", "info", f"{name} đã hết hiệu lực một phần (tại {when_what} {_vn(when)})."))
    if eff and eff > when:
        out.append(_f("not_yet_in_force", "warning",
                      f"{name} có hiệu lực từ ngày {_vn(eff)}, sau {when_what} {_vn(when)}."))
    elif e.status == "not_yet_in_force" and eff is None:
        out.append(_f("not_yet_in_force", "warning", f"{name} chưa có hiệu lực (tại {when_what} {_vn(when)})."))
    return out


def check_reference(
    session: Any, ref: dict, *, citing_date: date | None, as_of: date | None, unit_id: int | None = None
) -> dict:
    """The ``check`` object of one ``references[]`` item."""
    findings = reference_findings(ref)
    cited = to_date(ref.get("date"))
    label = _label(ref)
    if cited and citing_date and cited > citing_date:
        findings.append(_f("cited_after_citing", "error",
                           f"{label} ban hành ngày {_vn(cited)}, sau ngày của văn bản này ({_vn(citing_date)})."))
    lookup_ref = dict(ref)
    p = parse_symbol(ref["ref"]) if ref.get("ref") else None
    if p and p.form == "party" and ref["ref"].count("/") == 1 and "-" in ref["ref"].split("/")[1]:
        lookup_ref["ref"] = f"{p.number}-{p.groups[0]}/{p.groups[-1]}"  # "18/NQ-TW" read as 18-NQ/TW
    entries, others = _candidates(session, lookup_ref, cited, unit_id)
    match = None
    if not entries:
        if ref.get("ref") or ref.get("title"):
            extra = ""
            if others:
                extra = "; sổ đăng ký chỉ có " + ", ".join(
                    f"{_entry_label(o)} ngày {_vn(o.issued)}" for o in others) + ", là văn bản khác"
            findings.append(_f("not_in_registry", "info", f"{label} không có trong sổ đăng ký{extra}."))
    elif len(entries) > 1:
        cands = "; ".join(f"{_entry_label(e)} ngày {_vn(e.issued)}" for e in entries[:5])
        findings.append(_f("ambiguous", "info",
                           f"{label} ứng với {len(entries)} văn bản trong sổ đăng ký ({cands}); "
                           "cần ghi rõ ngày ban hành để xác định."))
    else:
        e = entries[0]
        match = {"ref": e.ref, "date": e.issued.isoformat() if e.issued else None, "doc_type": e.doc_type,
                 "title": e.title, "status": e.status, "source": e.source}
        if cited and e.issued and cited != e.issued:
            findings.append(_f("date_mismatch", "error",
                               f"{label} ghi ngày {_vn(cited)}, nhưng sổ đăng ký ghi ngày ban hành {_vn(e.issued)}."))
        if ref.get("issuer") and e.issuer and not issuer_matches(ref["issuer"], e.issuer):
            findings.append(_f("issuer_mismatch", "warning",
                               f"{label} ghi cơ quan ban hành «{ref['issuer']}», "
                               f"nhưng sổ đăng ký ghi «{e.issuer}»."))
        if not cited and e.issued and citing_date and e.issued > citing_date:
            findings.append(_f("cited_after_citing", "error",
                               f"{label} ban hành ngày {_vn(e.issued)}, sau ngày của văn bản này "
                               f"({_vn(citing_date)})."))
        when, what = (citing_date, "ngày của văn bản này") if citing_date else (as_of, "ngày đối chiếu")
        if when:
            findings.extend(_validity(session, ref, e, when, what))
    worst = max((SEVERITY_RANK.get(f["severity"], 0) for f in findings), default=0)
    status = "error" if worst == 2 else "warning" if worst == 1 else ("ok" if match else "unknown")
    return {"status": status, "as_of": as_of.isoformat() if as_of else None, "match": match, "findings": findings}


def check_extraction(data: dict, session: Any, *, unit_id: int | None = None) -> dict:
    """``data`` with every reference's ``check`` and the top-level ``document_findings`` filled (in place)."""
    from store import registry

    as_of = registry.as_of(session)
    citing_date = to_date((data.get("header") or {}).get("date"))
    for ref in data.get("references") or []:
        ref["check"] = check_reference(session, ref, citing_date=citing_date, as_of=as_of, unit_id=unit_id)
    data["document_findings"] = document_findings(data.get("text") or "")
    return data


def check_file(path: Path, *, unit_id: int | None = None) -> dict:
    """Analyze a file and check it against the registry (migrates and seeds the database first)."""
    from store import db, registry
    from worker.analyze import analyze

    data = analyze(Path(path).read_bytes(), filename=Path(path).name)
    db.migrate()
    registry.ensure_seeded()
    with db.session() as s:
        return check_extraction(data, s, unit_id=unit_id)


STATUS_VI = {"ok": "hợp lệ", "warning": "cảnh báo", "error": "lỗi", "unknown": "chưa rõ"}


def _reasons(check: dict) -> str:
    fs = check.get("findings") or []
    shown = [f for f in fs if f["severity"] != "info"] or fs
    return " | ".join(f["message"] for f in shown) or "—"


def plain_table(head: tuple[str, ...], rows: list[tuple[str, ...]], empty: str) -> list[str]:
    """Lines of a text table for the terminal: padded columns, the last one left free to run long."""
    n = len(head) - 1
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(n)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:n], widths, strict=True)) + "  " + head[n]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(head[n]))
    for row in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row[:n], widths, strict=True)) + "  " + row[n])
    if not rows:
        lines.append(empty)
    return lines


def format_table(data: dict) -> str:
    """A plain-text Vietnamese table: số ký hiệu, loại, ngày, trạng thái, lý do; then document findings."""
    head = ("Số ký hiệu", "Loại", "Ngày", "Trạng thái", "Lý do")
    rows = []
    for r in data.get("references") or []:
        c = r.get("check") or {}
        rows.append((
            r.get("ref") or (r.get("title") or "—"),
            r.get("doc_type") or "—",
            _vn(to_date(r.get("date"))) if r.get("date") else "—",
            STATUS_VI.get(c.get("status"), c.get("status") or "—"),
            _reasons(c),
        ))
    lines = plain_table(head, rows, "(không có văn bản được trích dẫn)")
    as_of = next((r["check"]["as_of"] for r in data.get("references") or [] if r.get("check")), None)
    if as_of:
        lines.append(f"Hiệu lực theo sổ đăng ký tại ngày {_vn(to_date(as_of))}.")
    docf = data.get("document_findings") or []
    if docf:
        lines.append("")
        lines.append("Lỗi trong chính văn bản:")
        lines.extend(f"- {f['message']}" for f in docf)
    return "\n".join(lines)
