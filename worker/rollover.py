"""Next year's plan from last year's file: the same Word file with every change tracked, or a
plan rebuilt in our template when the source is a PDF or a scan.

Public entry: ``draft_next_year(data, filename, *, to_year, from_year=None, resolve=None)
-> NextYearDraft``. The rules are ``nlp.rollover``'s; this module only chooses the path:

- DOCX (and .doc/.odt/.rtf, converted to DOCX by LibreOffice first): every paragraph is rolled
  and written back as Word tracked changes by author "vanthu", review items as comments
  (``worker.tracked``), so the clerk accepts or rejects each in Word;
- anything else (PDF, scan, text): the plan is read (``worker.analyze``), rebuilt as the
  ``ke_hoach`` context (``worker.contexts``), every string of it rolled, and rendered.

Both give the change list (location, kind, old, new, review, note), for JSON and the web page.
``resolve`` looks a year-bound basis citation up (the registry: ``registry_resolver``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nlp.rollover import Change, RollContext, apply_changes, roll_text

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
TEMPLATE = "ke_hoach"


@dataclass
class NextYearDraft:
    data: bytes  # the .docx
    from_year: int
    to_year: int
    path: str  # "tracked" (the source Word file) or "template" (rebuilt)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the file: the change list with its counts."""
        counts: dict[str, int] = {}
        for c in self.changes:
            counts[c["kind"]] = counts.get(c["kind"], 0) + 1
        return {"from_year": self.from_year, "to_year": self.to_year, "path": self.path,
                "review": sum(1 for c in self.changes if c["review"]), "counts": counts, "changes": self.changes}


def registry_resolver(session: Any, unit_id: int | None = None) -> Callable[[dict], str | None]:
    """A resolver for ``RollContext``: this year's counterpart of a cited text from the registry."""
    from store.registry import counterpart

    def resolve(ref: dict) -> str | None:
        entry = counterpart(session, doc_type=ref.get("doc_type"), symbol=ref.get("symbol"),
                            title=ref.get("title"), from_year=ref["from_year"], to_year=ref["to_year"],
                            unit_id=unit_id)
        if entry is None or not entry.ref:
            return None
        parts = [entry.doc_type or ref.get("doc_type") or "Văn bản", f"số {entry.ref}"]
        if entry.issued:
            parts.append(f"ngày {entry.issued.strftime('%d/%m/%Y')}")
        issuer = entry.issuer or ref.get("issuer")
        if issuer:
            parts.append(f"của {issuer}")
        return " ".join(parts)

    return resolve


def guess_from_year(extraction: dict[str, Any]) -> int | None:
    """The plan's own year: its date's, else the most frequent year in its text."""
    header = extraction.get("header") or {}
    for value in (header.get("date"), header.get("date_month")):
        if value and str(value)[:4].isdigit():
            return int(str(value)[:4])
    years = [int(y) for y in _YEAR.findall(extraction.get("text") or "")]
    return max(set(years), key=years.count) if years else None


def draft_next_year(data: bytes, filename: str = "", *, to_year: int | None = None, from_year: int | None = None,
                    resolve: Callable[[dict], str | None] | None = None) -> NextYearDraft:
    """Roll the plan in ``data`` over to ``to_year`` (default: the year after its own)."""
    from worker.sniff import sniff

    kind = sniff(data).kind
    if kind in ("doc", "odt", "rtf"):
        from worker.readers.base import Limits
        from worker.readers.office import convert_to_docx

        data = convert_to_docx(data, f".{kind}", timeout=Limits().convert_timeout)
        kind = "docx"
    # A plan that is rebuilt is read anyway; a Word plan only when its year must be found.
    extraction = None
    if kind != "docx" or from_year is None or to_year is None:
        from worker.analyze import analyze

        extraction = analyze(data, filename=filename)
    if from_year is None or to_year is None:
        guessed = guess_from_year(extraction)
        from_year = from_year or guessed or ((to_year or dt.date.today().year + 1) - 1)
        to_year = to_year or from_year + 1
    context = RollContext(resolve_reference=resolve)

    def edit(text: str) -> list[Change]:
        return roll_text(text, from_year=from_year, to_year=to_year, context=context) if text.strip() else []

    if kind == "docx":
        from worker.tracked import track_changes

        result = track_changes(data, edit)
        changes = [{"location": a.location, "kind": a.kind, "old": a.old, "new": a.new, "review": a.review,
                    "note": a.note} for a in result.applied]
        return NextYearDraft(result.data, from_year, to_year, "tracked", changes)
    return _rebuilt(extraction, from_year, to_year, edit)


def _rebuilt(extraction: dict[str, Any], from_year: int, to_year: int,
             edit: Callable[[str], list[Change]]) -> NextYearDraft:
    """A PDF or scanned plan, already read: rebuilt in the Kế hoạch template with every string rolled."""
    from worker.contexts import build_context, form_defaults
    from worker.render import render

    form = form_defaults(TEMPLATE, extraction, unit_name="")
    context = build_context(TEMPLATE, extraction, form)
    changes: list[dict[str, Any]] = []

    def roll(value: Any, path: str) -> Any:
        if isinstance(value, str):
            found = edit(value)
            changes.extend({"location": path, "kind": c.kind, "old": c.old, "new": c.new, "review": c.review,
                            "note": c.note} for c in found)
            return apply_changes(value, found) if found else value
        if isinstance(value, list):
            return [roll(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: roll(v, f"{path}.{k}" if path else k) for k, v in value.items()}
        return value

    context = roll({k: v for k, v in context.items() if k not in ("number", "date")}, "")
    changes[:0] = _header_changes(extraction.get("header") or {}, to_year)
    context.update(number=None, date=None, year=str(to_year))
    return NextYearDraft(render(TEMPLATE, context), from_year, to_year, "template", changes)


def _header_changes(header: dict[str, Any], to_year: int) -> list[dict[str, Any]]:
    """The number and day of the old issue, as the template leaves them blank for the new one
    (the same entries the Word path records on the header's own lines)."""
    out = []
    if header.get("number") and header.get("symbol"):
        out.append({"location": "number", "kind": "header_number", "old": f"Số: {header['number']}/{header['symbol']}",
                    "new": f"Số:      /{header['symbol']}", "review": False,
                    "note": "Số văn bản để trống, điền khi ký ban hành."})
    when = header.get("date") or header.get("date_month")
    if when:
        year, month = int(str(when)[:4]), int(str(when)[5:7])
        day = f"{int(str(when)[8:10]):02d}" if header.get("date") else "     "
        out.append({"location": "date", "kind": "header_day", "old": f"ngày {day} tháng {month} năm {year}",
                    "new": f"ngày      tháng      năm {to_year}", "review": False,
                    "note": f"Ngày, tháng ban hành để trống (ghi khi ký); năm ban hành: {to_year}."})
    return out
