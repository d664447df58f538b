"""The registry of cited texts: what the cross-reference checker looks citations up in.

Public API (the checker relies on these names):

- :func:`canonical_ref` — a reference as written, cleaned: spaces removed, ``Ð``→``Đ``, dashes → ``-``.
- :func:`import_file` — ``.jsonl`` (curated format), ``.csv`` (vbpl.vn format), ``.xlsx`` (either set of
  columns in the header row); upserts, so importing twice adds nothing. Returns :class:`ImportReport`.
- :func:`seed` / :func:`ensure_seeded` — import the bundled ``store/registry_seed/`` files once.
- :func:`lookup` — candidates for a citation (by ref; or a law by type + issue date and/or title).
- :func:`register_document` — add a unit's own processed document (from its extraction header).
- :func:`as_of` — the date the seeded knowledge holds; :func:`successor` — follows ``replaced_by``.

Identity and upsert. A ref carrying a year (``98/2023/NĐ-CP``) names one text. A ref without a year
repeats: administrative numbers restart each year and Party numbers (``05-CT/TW``) each term, so
such a ref is one text only together with its issue date. Upserts therefore match on the folded
ref key plus, for yearless refs, the issue date; texts without a ref (a law cited by name) match
on type + issue date + title. Matching is within one scope: global (``unit_id`` null) or one unit.

Lookup by ref is one indexed equality query on ``ref_key`` (:func:`ref_key`: case, ``Đ``/``D``,
leading zeros of the number and ``-`` vs ``/`` are ignored, so OCR and ASCII spellings and the
malformed Party form ``18/NQ-TW`` still find ``18-NQ/TW``); callers compare ``entry.ref`` with the
cited ref to judge the spelling.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import RegistryEntry, RegistryMeta, RegistryRelation

SEED_DIR = Path(__file__).resolve().parent / "registry_seed"
SEED_FILES = ("curated.jsonl", "vbpl_central_documents.csv")
META_AS_OF = "as_of"
META_SEED_SHA = "seed_sha256"
META_SEED_LOCK = "seed_lock"
TITLE_MIN_SIMILARITY = 0.8

STATUS_VI = {
    "còn hiệu lực": "in_force",
    "hết hiệu lực toàn bộ": "expired",
    "hết hiệu lực": "expired",
    "hết hiệu lực một phần": "partly_replaced",
    "chưa có hiệu lực": "not_yet_in_force",
}
STATUSES = {"in_force", "replaced", "expired", "partly_replaced", "not_yet_in_force", "unknown"}

# Type names, longest first so "Thông tư liên tịch" wins over "Thông tư".
DOC_TYPES = sorted(
    [
        "Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Lệnh", "Nghị quyết liên tịch", "Nghị quyết",
        "Nghị định", "Thông tư liên tịch", "Thông tư", "Quyết định", "Chỉ thị", "Văn bản hợp nhất",
        "Kết luận", "Quy định", "Quy chế", "Hướng dẫn", "Kế hoạch", "Công văn", "Thông báo", "Báo cáo",
        "Tờ trình", "Chương trình", "Đề án", "Công điện", "Thông tri",
    ],
    key=len,
    reverse=True,
)
DOC_TYPES_EN = {
    "joint circular": "Thông tư liên tịch", "circular": "Thông tư", "decree": "Nghị định",
    "decision": "Quyết định", "law": "Luật", "code": "Bộ luật", "resolution": "Nghị quyết",
    "ordinance": "Pháp lệnh", "directive": "Chỉ thị", "order": "Lệnh", "constitution": "Hiến pháp",
}

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣－"), "-")
# OCR/typing lookalikes: Icelandic Eth for Đ, Cyrillic letters for Latin ones.
_LOOKALIKES = {
    "Ð": "Đ", "ð": "đ", "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Т": "T", "Х": "X", "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x",
}
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)
_SPACES = re.compile(r"\s+")
# A reference token: number, then "/" or "-", then a symbol containing at least one letter.
_REF_IN_TEXT = re.compile(
    r"(?<![\w/])(\d{1,5}[a-z]?)\s*([/\-])\s*((?:\d{4}\s*/\s*)?[A-ZĐa-zđ][\wĐđ]*(?:\s*[/\-.&]\s*[\wĐđ]+)*)"
)
_YEAR_IN_REF = re.compile(r"^\d+[a-z]?/(\d{4})/")
_PARTY_SYMBOL = re.compile(r"^[A-ZĐ]+/[A-ZĐ0-9]+$")
_VI_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_NUM_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def __iadd__(self, other: ImportReport) -> ImportReport:
        self.added += other.added
        self.updated += other.updated
        self.skipped += other.skipped
        self.errors.extend(other.errors)
        return self


# ---------------------------------------------------------------- references


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_DASHES).translate(_LOOKALIKE_TABLE)


def canonical_ref(text: str) -> str:
    """``" 98 / 2023 / NÐ–CP ;"`` → ``"98/2023/NĐ-CP"``: spaces removed, ``Ð``→``Đ``, dashes → ``-``.

    A leading ``Số:``/``số`` and surrounding punctuation are dropped; letters keep their case.
    """
    s = _SPACES.sub("", _clean(text))
    s = re.sub(r"^(?:số|Số|SỐ)[:.]?", "", s)
    return s.strip(".,;:()[]\"'“”‘’-/")


def ref_key(ref: str | None) -> str | None:
    """The folded lookup key of a ref: upper case, ``Đ``→``D``, no leading zeros, ``-`` read as ``/``."""
    if not ref:
        return None
    k = canonical_ref(ref).upper().replace("Đ", "D").replace("-", "/")
    k = re.sub(r"^0+(?=\d)", "", k)
    return k or None


def _find_ref(text: str | None) -> str | None:
    """The first reference token in ``text`` (``"Nghị định số 152/2025/NĐ-CP"`` → ``152/2025/NĐ-CP``)."""
    if not text:
        return None
    m = _REF_IN_TEXT.search(_clean(text))
    return canonical_ref(m.group(0)) if m else None


def _split_ref(ref: str) -> tuple[str | None, int | None, str | None]:
    """``98/2023/NĐ-CP`` → ``("98", 2023, "NĐ-CP")``; ``05-CT/TW`` → ``("05", None, "CT/TW")``."""
    m = re.match(r"^(\d+[a-z]?)[/\-](?:(\d{4})/)?(.+)$", ref)
    if not m:
        return None, None, None
    return m.group(1), int(m.group(2)) if m.group(2) else None, m.group(3)


def _compose_ref(number: str | None, symbol: str | None) -> str | None:
    if not number or not symbol:
        return None
    number, symbol = canonical_ref(str(number)), canonical_ref(symbol)
    sep = "-" if _PARTY_SYMBOL.match(symbol) else "/"
    return f"{number}{sep}{symbol}"


def _yearless(ref: str | None) -> bool:
    return bool(ref) and not _YEAR_IN_REF.match(ref)


def normalize_type(text: str | None) -> str | None:
    """A type name in the registry's spelling (``"NGHỊ ĐỊNH"`` → ``"Nghị định"``), or ``None``."""
    if not text:
        return None
    t = _SPACES.sub(" ", _clean(text)).strip()
    low = t.lower()
    for name in DOC_TYPES:
        if low == name.lower():
            return name
    for en, name in DOC_TYPES_EN.items():
        if low == en:
            return name
    return t[:1].upper() + t[1:].lower()


def _type_prefix(title: str) -> str | None:
    low = _clean(title).strip().lower()
    for name in DOC_TYPES:
        if low.startswith(name.lower()) and (len(low) == len(name) or not low[len(name)].isalpha()):
            return name
    for en in sorted(DOC_TYPES_EN, key=len, reverse=True):
        if low.startswith(en + " "):
            return DOC_TYPES_EN[en]
    return None


# ---------------------------------------------------------------- values


def to_date(value: Any) -> date | None:
    """A date from a date, a datetime or an ISO string (``2022-03-01``, also with a time); else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    """Like :func:`to_date`, and also ``ngày 05 tháng 3 năm 2020`` or ``05/03/2020`` as sources write them."""
    found = to_date(value)
    if found is not None or value is None:
        return found
    s = str(value).strip()
    if not s or s.strip("-") == "":
        return None
    for rx in (_VI_DATE, _NUM_DATE):
        m = rx.search(s)
        if m:
            d, mo, y = (int(g) for g in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def _status(value: Any) -> str:
    if value is None:
        return "unknown"
    s = _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()
    if s in STATUSES:
        return s
    return STATUS_VI.get(s.lower(), "unknown")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()
    return s or None


def _fold_title(text: str | None) -> str:
    return _SPACES.sub(" ", re.sub(r"[^\w\s]", " ", _clean(text or "").casefold())).strip()


def _similarity(a: str | None, b: str | None) -> float:
    fa, fb = _fold_title(a), _fold_title(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    return SequenceMatcher(None, fa, fb).ratio()


# ---------------------------------------------------------------- row parsing


def _row_from_curated(row: dict[str, Any]) -> dict[str, Any]:
    ref = _find_ref(row.get("full_ref")) if row.get("number") else None
    ref = ref or _compose_ref(row.get("number"), row.get("symbol"))
    if row.get("ref"):
        ref = canonical_ref(str(row["ref"]))
    return {
        "doc_type": normalize_type(row.get("type") or row.get("doc_type")),
        "ref": ref,
        "issued": _date(row.get("issued")),
        "issuer": _text(row.get("issuer")),
        "title": _text(row.get("title")),
        "effective": _date(row.get("effective")),
        "expiry": _date(row.get("expiry")),
        "status": _status(row.get("status")),
        "source": _text(row.get("source")),
        "replaced_by": _text(row.get("replaced_by")),
        "as_of": _date(row.get("as_of")),
    }


def _issuer_from_header(header: str | None) -> str | None:
    parts = []
    for seg in (header or "").split("|"):
        seg = seg.strip()
        if (
            not seg
            or set(seg) <= set("-_–— ")
            or seg.upper().startswith(("CỘNG H", "ĐỘC LẬP"))
            or re.search(r"\bsố\b", seg, re.IGNORECASE)
        ):
            break
        parts.append(seg)
    name = " ".join(parts)
    # English translations carry the type ("DECREE") where the issuer would be.
    if not name or _type_prefix(name) or not re.search(r"[À-ỹĐđ]", name):
        return None
    return name


def _number_and_code(ref: str) -> tuple[str, str]:
    """A ref without its year (``05/2025/TT-BCT`` → ``("5", "TT/BCT")``). A wrong year or code letter in
    a title is a typo (the corpus has ``TT-BTCC`` for ``TT-BTC``); a different number is another text."""
    key = ref_key(ref) or ""
    parts = [p for p in re.split(r"[/-]", key, maxsplit=1)]
    number = parts[0].lstrip("0")
    rest = re.sub(r"^(?:19|20)\d\d[/-]", "", parts[1]) if len(parts) > 1 else ""
    return number, rest


def _row_from_vbpl(row: dict[str, Any]) -> dict[str, Any]:
    title = _text(row.get("title")) or ""
    ref = _find_ref(title)
    so_line = _text(row.get("so_ky_hieu_line"))
    if not ref and so_line and so_line.lower().startswith("số"):
        ref = _find_ref(so_line)
    if not ref:
        ref = _find_ref(_text(row.get("meta_Số hiệu")))
    if not ref:  # "QUỐC HỘI | Luật số: 128/2025/QH15 | ..."
        for seg in (row.get("header_first_lines") or "").split("|"):
            if re.search(r"\bsố\s*:", seg, re.IGNORECASE):
                ref = _find_ref(seg)
                break
    doc_type = _type_prefix(title) or normalize_type(_text(row.get("meta_Loại văn bản")))
    subject = title
    if ref:
        # "Nghị định số 249/2025/NĐ-CP Quy định ..." → "Quy định ..."; "Luật X số 121/2025/QH15" → "Luật X".
        m = _REF_IN_TEXT.search(_clean(title))
        if m:
            before, after = _clean(title)[: m.start()], _clean(title)[m.end():]
            before = re.sub(r"\s*\b(số|SỐ|Số)\s*$", "", before).strip()
            if doc_type and _type_prefix(before) == doc_type and len(before) <= len(doc_type) + 1:
                subject = after.strip(" :-") or before
            else:
                subject = (before + " " + after).strip()
    status = _text(row.get("status")) or _text(row.get("meta_Tình trạng hiệu lực"))
    # The page's header lines (Số:, place and date) sometimes belong to another text than
    # the title: trust its date only when its Số line names the same ref.
    so_ref = _find_ref(so_line) if so_line else None
    other_text = bool(so_ref and ref and _number_and_code(so_ref)[0] != _number_and_code(ref)[0])
    header_date = None if other_text else _date(row.get("place_date_line"))
    return {
        "doc_type": doc_type,
        "ref": ref,
        "issued": header_date or _date(row.get("meta_Ngày ban hành")),
        "issuer": _text(row.get("meta_Cơ quan ban hành")) or _issuer_from_header(row.get("header_first_lines")),
        "title": _text(subject),
        "effective": _date(row.get("effective_date")) or _date(row.get("meta_Ngày có hiệu lực")),
        "expiry": _date(row.get("meta_Ngày hết hiệu lực")),
        "status": _status(status),
        "source": _text(row.get("url")) or _text(row.get("source")),
        "replaced_by": _text(row.get("replaced_by")),
        "as_of": _date(row.get("as_of")) or _date(row.get("updated_date")),
    }


def _parse_row(row: dict[str, Any]) -> dict[str, Any]:
    if "title" in row and ("so_ky_hieu_line" in row or "place_date_line" in row or "effective_date" in row):
        return _row_from_vbpl(row)
    return _row_from_curated(row)


def _read_rows(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = []
        for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    rows.append({"__error__": f"{path.name}:{i}: invalid JSON ({e.msg})"})
        return rows
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    if suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = wb.active
            it = sheet.iter_rows(values_only=True)
            header = [str(h).strip() if h is not None else "" for h in next(it, [])]
            return [
                {h: v for h, v in zip(header, values, strict=False) if h}
                for values in it
                if any(v not in (None, "") for v in values)
            ]
        finally:
            wb.close()
    raise ValueError(f"unsupported registry file type: {path.name} (use .jsonl, .csv or .xlsx)")


# ---------------------------------------------------------------- upsert


def _scope(stmt, unit_id: int | None):  # noqa: ANN001, ANN202
    return stmt.where(RegistryEntry.unit_id.is_(None) if unit_id is None else RegistryEntry.unit_id == unit_id)


def _visible(unit_id: int | None):  # noqa: ANN202
    """Entries a unit sees: the global ones plus, when ``unit_id`` is given, its own."""
    if unit_id is None:
        return RegistryEntry.unit_id.is_(None)
    return or_(RegistryEntry.unit_id.is_(None), RegistryEntry.unit_id == unit_id)


def _find_existing(session: Session, data: dict[str, Any], unit_id: int | None) -> RegistryEntry | None:
    ref = data["ref"]
    if ref:
        stmt = _scope(select(RegistryEntry).where(RegistryEntry.ref_key == ref_key(ref)), unit_id)
        if _yearless(ref):
            issued = data["issued"]
            stmt = stmt.where(
                RegistryEntry.issued.is_(None) if issued is None else RegistryEntry.issued == issued
            )
        return session.scalars(stmt.order_by(RegistryEntry.id)).first()
    if not data["doc_type"] or not data["issued"]:
        return None
    stmt = _scope(
        select(RegistryEntry).where(
            RegistryEntry.ref.is_(None),
            RegistryEntry.doc_type == data["doc_type"],
            RegistryEntry.issued == data["issued"],
        ),
        unit_id,
    )
    for entry in session.scalars(stmt.order_by(RegistryEntry.id)):
        if _fold_title(entry.title) == _fold_title(data["title"]):
            return entry
    return None


def _non_ascii(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127)


_FIELDS = ("doc_type", "issued", "issuer", "title", "effective", "expiry", "status", "source", "as_of")


def _upsert(
    session: Session, data: dict[str, Any], unit_id: int | None
) -> tuple[RegistryEntry | None, str]:
    ref = data["ref"]
    if not ref and not (data["doc_type"] and data["issued"] and data["title"]):
        return None, "skipped"
    entry = _find_existing(session, data, unit_id)
    if entry is not None and entry.ref and ref and _non_ascii(ref) < _non_ascii(entry.ref):
        ref = entry.ref  # keep "NĐ-CP" over an ASCII spelling ("ND-CP") of the same text
    number, year, symbol = _split_ref(ref) if ref else (None, None, None)
    values = {k: data.get(k) for k in _FIELDS}
    values.update(ref=ref, ref_key=ref_key(ref), number=number, year=year, symbol=symbol)
    if entry is None:
        entry = RegistryEntry(unit_id=unit_id, **values)
        session.add(entry)
        session.flush()
        return entry, "added"
    changed = False
    for k, v in values.items():
        # Known facts are never erased by an import that does not state them.
        if v is None or (k == "status" and v == "unknown" and entry.status != "unknown"):
            continue
        if k == "status" and v == "expired" and entry.status == "replaced":
            continue  # "replaced" is the more precise way of having expired
        if getattr(entry, k) != v:
            setattr(entry, k, v)
            changed = True
    return entry, "updated" if changed else "unchanged"


def _resolve_ref(session: Session, ref: str, unit_id: int | None) -> RegistryEntry | None:
    found = lookup(session, ref, unit_id=unit_id)
    return found[0] if len(found) == 1 else None


def _link_replaced_by(session: Session, entry: RegistryEntry, target_text: str, unit_id: int | None) -> None:
    to_ref = _find_ref(target_text) or canonical_ref(target_text)
    target = _resolve_ref(session, to_ref, unit_id)
    rel = session.scalars(
        select(RegistryRelation).where(RegistryRelation.from_id == entry.id, RegistryRelation.kind == "replaced_by")
    ).first()
    if rel is None:
        session.add(RegistryRelation(from_id=entry.id, kind="replaced_by", to_ref=to_ref, to_id=target and target.id))
    else:
        rel.to_ref, rel.to_id = to_ref, (target.id if target else rel.to_id)
    if target is not None:
        back = session.scalars(
            select(RegistryRelation).where(
                RegistryRelation.from_id == target.id,
                RegistryRelation.kind == "replaces",
                RegistryRelation.to_id == entry.id,
            )
        ).first()
        if back is None:
            session.add(RegistryRelation(from_id=target.id, kind="replaces", to_id=entry.id, to_ref=entry.ref))


def import_file(
    session: Session,
    path: Path,
    *,
    source: str | None = None,
    unit_id: int | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Import a ``.jsonl``/``.csv``/``.xlsx`` registry file into the global registry or ``unit_id``'s.

    Upserts (see the module docstring); rows without a ref and without type + date + title are
    skipped; unparsable rows become ``errors`` entries (``"file:line: why"``). ``source`` is
    recorded on entries whose row names none; ``as_of`` on entries whose row gives none (default
    today). ``updated`` counts existing entries that changed; unchanged ones count as ``skipped``.
    """
    path = Path(path)
    report = ImportReport()
    rows = _read_rows(path)
    pending: list[tuple[RegistryEntry, str]] = []
    first_line = 1 if path.suffix.lower() == ".jsonl" else 2
    for i, row in enumerate(rows, first_line):
        if "__error__" in row:
            report.errors.append(row["__error__"])
            continue
        try:
            data = _parse_row(row)
        except Exception as e:  # noqa: BLE001 - a bad row must not stop the import
            report.errors.append(f"{path.name}:{i}: {e}")
            continue
        data["source"] = data["source"] or source
        data["as_of"] = data["as_of"] or as_of or date.today()
        with session.begin_nested():
            entry, outcome = _upsert(session, data, unit_id)
        if entry is None:
            report.skipped += 1
            report.errors.append(f"{path.name}:{i}: skipped: no reference, and no type + issue date + title")
            continue
        if outcome == "added":
            report.added += 1
        elif outcome == "updated":
            report.updated += 1
        else:
            report.skipped += 1
        if data.get("replaced_by"):
            pending.append((entry, data["replaced_by"]))
    session.flush()
    for entry, target in pending:  # after every row: a successor may come later in the file
        if entry.status == "unknown":
            entry.status = "replaced"
        _link_replaced_by(session, entry, target, unit_id)
    session.flush()
    return report


# ---------------------------------------------------------------- seed


def _seed_digest() -> str:
    h = hashlib.sha256()
    for name in SEED_FILES:
        h.update(name.encode())
        h.update((SEED_DIR / name).read_bytes())
    return h.hexdigest()


def _seed_as_of() -> date | None:
    """The newest ``updated_date`` of the vbpl list: the day its validity statuses were read."""
    with (SEED_DIR / "vbpl_central_documents.csv").open(encoding="utf-8-sig", newline="") as f:
        dates = [d for d in (_date(r.get("updated_date")) for r in csv.DictReader(f)) if d]
    return max(dates) if dates else None


def _get_meta(session: Session, key: str) -> str | None:
    row = session.get(RegistryMeta, key)
    return row.value if row else None


def _set_meta(session: Session, key: str, value: str | None) -> None:
    row = session.get(RegistryMeta, key)
    if row is None:
        session.add(RegistryMeta(key=key, value=value))
    else:
        row.value = value
    session.flush()


def seed(session: Session) -> ImportReport:
    """Import the bundled seed files unless this exact seed is already in (by content digest).

    Records ``as_of`` and ``seed_sha256`` in RegistryMeta. A newer bundled seed is imported over
    the old one (upsert). Returns an empty report when nothing had to be done.
    """
    digest = _seed_digest()
    if _get_meta(session, META_SEED_SHA) == digest:
        return ImportReport()
    seed_date = _seed_as_of()
    report = ImportReport()
    for name in SEED_FILES:
        report += import_file(session, SEED_DIR / name, source=f"seed:{name}", as_of=seed_date)
    _set_meta(session, META_AS_OF, seed_date.isoformat() if seed_date else None)
    _set_meta(session, META_SEED_SHA, digest)
    return report


def ensure_seeded(url: str | None = None) -> ImportReport:
    """Seed once per database; safe when the web app and workers call it at the same time.

    Call after :func:`store.db.migrate`. Concurrent callers serialize on a write to the
    ``seed_lock`` meta row (row lock on PostgreSQL, the database write lock on SQLite).
    """
    from store import db

    try:
        with db.session(url) as s:
            if s.get(RegistryMeta, META_SEED_LOCK) is None:
                s.add(RegistryMeta(key=META_SEED_LOCK, value=None))
    except IntegrityError:
        pass  # another process created it first
    with db.session(url) as s:
        s.execute(
            update(RegistryMeta)
            .where(RegistryMeta.key == META_SEED_LOCK)
            .values(value=datetime.now().isoformat(timespec="seconds"))
        )
        return seed(s)


# ---------------------------------------------------------------- queries


def lookup(
    session: Session,
    ref: str | None = None,
    *,
    doc_type: str | None = None,
    issued: date | None = None,
    title: str | None = None,
    unit_id: int | None = None,
) -> list[RegistryEntry]:
    """Every registry entry the citation may mean, best first; the caller judges ambiguity.

    - With ``ref``: entries whose folded ref key equals the citation's (one indexed query). When
      ``issued`` is given and some of them were issued that day, only those (Party and yearless
      refs repeat); otherwise all of them (compare ``issued`` to report a date mismatch).
      ``doc_type``/``title`` do not filter here.
    - Without ``ref`` (a law cited by name): entries of ``doc_type`` issued on ``issued``, narrowed
      by ``title`` similarity when several; or, without a date, entries whose title is similar
      to ``title`` (restricted to ``doc_type`` when given).

    Visible entries: global ones plus, when ``unit_id`` is given, that unit's own.
    """
    visible = _visible(unit_id)
    if ref:
        key = ref_key(ref)
        if not key:
            return []
        found = list(
            session.scalars(
                select(RegistryEntry).where(RegistryEntry.ref_key == key, visible).order_by(RegistryEntry.id)
            )
        )
        if issued is not None:
            same_day = [e for e in found if e.issued == issued]
            if same_day:
                found = same_day
        exact = canonical_ref(ref)
        found.sort(key=lambda e: (e.ref != exact, e.unit_id is None))
        return found
    dtype = normalize_type(doc_type)
    if issued is not None:
        stmt = select(RegistryEntry).where(RegistryEntry.issued == issued, visible)
        if dtype:
            stmt = stmt.where(RegistryEntry.doc_type == dtype)
        found = list(session.scalars(stmt.order_by(RegistryEntry.id)))
        if title and len(found) > 1:
            scored = [(e, _similarity(title, e.title)) for e in found]
            close = [(e, s) for e, s in scored if s >= TITLE_MIN_SIMILARITY]
            if close:
                found = [e for e, _ in sorted(close, key=lambda es: -es[1])]
        return found
    if title:
        stmt = select(RegistryEntry).where(visible, RegistryEntry.title.is_not(None))
        if dtype:
            stmt = stmt.where(RegistryEntry.doc_type == dtype)
        scored = [(e, _similarity(title, e.title)) for e in session.scalars(stmt)]
        close = [(e, s) for e, s in scored if s >= TITLE_MIN_SIMILARITY]
        return [e for e, _ in sorted(close, key=lambda es: (-es[1], es[0].issued or date.min), reverse=False)]
    return []


def _untyped(title: str | None, dtype: str | None) -> str:
    """A title without its leading type word: a citation says "về Kế hoạch thực hiện …", the
    registered document's trích yếu just "Thực hiện …"."""
    title = (title or "").strip()
    if dtype and title.casefold().startswith(dtype.casefold()):
        return title[len(dtype):].strip()
    return title


def counterpart(
    session: Session,
    *,
    doc_type: str | None,
    symbol: str | None,
    title: str | None,
    from_year: int,
    to_year: int,
    unit_id: int | None = None,
) -> RegistryEntry | None:
    """The document of the same issuer series, type and subject issued in ``to_year``.

    Used when next year's plan is drafted from last year's: last year's basis (``Kế hoạch số
    217/KH-SGDĐT … năm 2022``) is replaced by this year's one of the same issuer and subject,
    when the registry (the bundled seed, imports, the unit's processed documents) has it. The
    symbol's series (``KH-SGDĐT``) must match exactly and the title, with its years moved on,
    must be close; two equally close candidates are ambiguous and give None (a human decides).
    """
    if not symbol:
        return None
    dtype = normalize_type(doc_type)
    stmt = select(RegistryEntry).where(_visible(unit_id), RegistryEntry.symbol == symbol,
                                       RegistryEntry.issued >= date(to_year, 1, 1) - timedelta(days=183),
                                       RegistryEntry.issued <= date(to_year, 12, 31))
    if dtype:
        stmt = stmt.where(RegistryEntry.doc_type == dtype)
    wanted = _untyped((title or "").replace(str(from_year), str(to_year))
                      .replace(str(from_year - 1), str(to_year - 1)), dtype)
    scored = sorted(((_similarity(wanted, _untyped(e.title, dtype)), e) for e in session.scalars(stmt)),
                    key=lambda se: -se[0])
    scored = [(sim, e) for sim, e in scored if sim >= TITLE_MIN_SIMILARITY or not title]
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def register_document(session: Session, unit_id: int, header: dict[str, Any]) -> RegistryEntry | None:
    """Register a unit's processed document from its extraction ``header``; ``None`` without a ref.

    Uses ``ref`` (else number + symbol), ``doc_type``, ``date``, ``issuer``, ``subject``. The entry
    belongs to ``unit_id``; processing the same document again updates it.
    """
    ref = header.get("ref") or _compose_ref(
        header.get("number"),
        f"{header['year']}/{header.get('symbol')}" if header.get("year") and header.get("symbol") else header.get("symbol"),
    )
    if not ref or not canonical_ref(str(ref)):
        return None
    data = {
        "doc_type": normalize_type(header.get("doc_type")),
        "ref": canonical_ref(str(ref)),
        "issued": _date(header.get("date")),
        "issuer": _text(header.get("issuer")),
        "title": _text(header.get("subject")),
        "effective": None,
        "expiry": None,
        "status": "unknown",
        "source": "document",
        "as_of": date.today(),
    }
    with session.begin_nested():
        entry, _ = _upsert(session, data, unit_id)
    return entry


def as_of(session: Session) -> date | None:
    """The date the seeded registry knowledge holds (RegistryMeta ``as_of``), or ``None`` if unseeded."""
    value = _get_meta(session, META_AS_OF)
    return date.fromisoformat(value) if value else None


def successor(session: Session, entry: RegistryEntry) -> RegistryEntry | None:
    """The entry that replaced ``entry`` (its ``replaced_by`` relation), resolved by ref if not linked yet."""
    rel = session.scalars(
        select(RegistryRelation)
        .where(RegistryRelation.from_id == entry.id, RegistryRelation.kind == "replaced_by")
        .order_by(RegistryRelation.id)
    ).first()
    if rel is None:
        return None
    if rel.to_id is not None:
        return session.get(RegistryEntry, rel.to_id)
    if rel.to_ref:
        target = _resolve_ref(session, rel.to_ref, entry.unit_id)
        if target is not None:
            rel.to_id = target.id
            session.flush()
        return target
    return None
