"""Consolidate schools' commendation submissions into one list, the annex of a decision and a summary report.

The education office receives one Tờ trình (or Báo cáo) đề nghị khen thưởng per school. Each is
read (``worker.readers``), analysed (``worker.analyze``: the header says which school sent it)
and its list read by ``nlp.awards.read_submission``. ``consolidate`` puts every proposal of every
submission in one list of rows and flags, never dropping anything silently:

==========================  ==============================================================
code                        meaning (message in Vietnamese)
==========================  ==============================================================
``duplicate``               same folded name and same unit, within or across submissions
                            (every row kept, each flagged)
``missing_name``            the Họ và tên cell is empty
``missing_title``           no danh hiệu in the row, its group or a heading above the list
``missing_unit``            the Đơn vị cell is empty (a list without the column takes the school)
``missing_position``        an individual's Chức vụ cell is empty or the list has no such column
``unknown_title``           a danh hiệu not in ``nlp/patterns/awards.json``
``title_uncertain``         a danh hiệu recognised only despite a spelling slip (OCR)
``figure_mismatch``         a figure the document states disagrees with the rows counted
``figure_exceeds_staff``    more individuals proposed than the staff the document states
``no_proposals``            no proposal list could be read in the document
``table_skipped``           a table with a name column that was not read as a list
``missing_school``          the header names no issuer, so the school is unknown
``scanned``                 the document was OCR'd: names must be checked against the paper
``corrected``               the clerk corrected a cell during review (what, from, to)
``excluded``                the clerk left the row out of the list during review
==========================  ==============================================================

Two functions turn a ``Consolidation`` into template contexts (field names of
``docs/TEMPLATES.md``): ``annex_context`` (the ``annex`` of ``quyet_dinh``: danh hiệu, then units,
then people, every proposal exactly once) and ``summary_context`` (``titles``, ``rows``,
``totals``, ``flags`` of ``bao_cao_tong_hop``: one row per school).

The clerk's review works on the JSON form (``Consolidation.to_dict``, kept with the batch):
``revise(data, edits, excluded)`` applies corrections and exclusions and computes the flags
again; ``from_dict`` gives the ``Consolidation`` back for the two contexts. An excluded row
stays in ``rows`` and in the flags, and only leaves the annex and the counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from nlp.awards import PATTERNS, TITLE_KINDS, TITLES, Figure, Proposal, Submission, read_submission, recognise
from nlp.model import ReadResult
from nlp.normalize import fold, match_key

# ================================================================ results


@dataclass
class Flag:
    code: str
    message: str  # Vietnamese, for the clerk
    rows: list[int] = field(default_factory=list)  # ``Row.id`` concerned ([] for the whole document)
    submission: int | None = None  # index of the submission concerned
    short: str = ""  # a few words for the Ghi chú column of the summary report

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "rows": list(self.rows), "submission": self.submission,
                "short": self.short}


@dataclass
class SubmissionInfo:
    index: int
    school: str  # the issuing school, as a unit name (``Trường Tiểu học số 1 Mường Ảng``)
    issuer: str | None  # as the header writes it
    ref: str | None
    doc_type: str | None
    date: str | None
    document: str  # ``Tờ trình số 25/TTr-THS1 ngày 20/5/2024``
    ocr: bool
    figures: list[Figure]
    columns: dict[int, list[str]]
    rows: list[int] = field(default_factory=list)

    @property
    def document_short(self) -> str:
        """The document without its date: ``Tờ trình số 25/TTr-THS1``."""
        return self.document.split(" ngày ")[0]

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "school": self.school, "issuer": self.issuer, "ref": self.ref,
                "doc_type": self.doc_type, "date": self.date, "document": self.document, "ocr": self.ocr,
                "figures": [f.to_dict() for f in self.figures],
                "columns": {str(k): v for k, v in self.columns.items()}, "rows": list(self.rows)}


@dataclass
class Row:
    id: int  # 1-based, in submission order then list order
    submission: int
    school: str
    ref: str | None
    document: str
    name: str
    position: str
    unit: str
    title: str  # as written
    title_name: str | None  # canonical danh hiệu, None when missing or unknown
    collective: bool
    row_number: str | None
    note: str  # the document's Ghi chú
    # where each field was read (nlp.awards sources); unit "issuer" when the list has no Đơn vị column
    source: dict[str, str]
    flags: list[str] = field(default_factory=list)  # codes
    proposal: Proposal | None = None
    title_match: str | None = None  # exact, fuzzy (read despite a slip), None

    @property
    def where(self) -> str:
        """``dòng 3 (Lao động tiên tiến) của Tờ trình số 25/TTr-THS1``: how a clerk finds the row."""
        title = self.title_name or self.title
        number = f"dòng {self.row_number}" if self.row_number else "dòng không đánh số"
        return f"{number}{f' ({title})' if title else ''} của {self.document_short}"

    @property
    def document_short(self) -> str:
        return self.document.split(" ngày ")[0]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "submission": self.submission, "school": self.school, "ref": self.ref,
                "document": self.document, "name": self.name, "position": self.position, "unit": self.unit,
                "title": self.title, "title_name": self.title_name, "collective": self.collective,
                "row_number": self.row_number, "note": self.note, "source": dict(self.source),
                "flags": list(self.flags), "title_match": self.title_match,
                "proposal": self.proposal.to_dict() if self.proposal else None}


@dataclass
class Consolidation:
    submissions: list[SubmissionInfo]
    rows: list[Row]
    flags: list[Flag]
    excluded: list[int] = field(default_factory=list)  # rows the clerk left out (still in ``rows``)
    # row id -> field -> {"from", "to", "source"}: the clerk's corrections, against what was read
    edits: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @property
    def included(self) -> list[Row]:
        """The rows that go into the annex and the counts."""
        out = set(self.excluded)
        return [r for r in self.rows if r.id not in out]

    def to_dict(self) -> dict[str, Any]:
        """JSON form, kept with a consolidation batch and read back by ``from_dict``."""
        return {"schema": SCHEMA, "submissions": [s.to_dict() for s in self.submissions],
                "rows": [r.to_dict() for r in self.rows], "flags": [f.to_dict() for f in self.flags],
                "excluded": list(self.excluded), "edits": {k: {f: dict(v) for f, v in e.items()}
                                                           for k, e in self.edits.items()},
                "flag_labels": dict(LABELS)}


# ================================================================ messages

MESSAGES = {
    "missing_name": "Thiếu họ tên",
    "missing_title": "Thiếu danh hiệu đề nghị",
    "missing_unit": "Thiếu đơn vị",
    "missing_position": "Thiếu chức vụ",
    "unknown_title": "Danh hiệu «{title}» không có trong danh mục danh hiệu, hình thức khen thưởng",
    "title_uncertain": "Danh hiệu viết «{title}», hiểu là «{name}»",
    "duplicate": "Trùng người: {name} ({unit}) được đề nghị ở {places}",
    "figure_mismatch": "Văn bản nêu «{text}» nhưng danh sách có {counted} {what}",
    "figure_exceeds_staff": "Số cá nhân đề nghị ({counted}) nhiều hơn tổng số cán bộ, giáo viên, nhân viên ({value})",
    "no_proposals": "Không đọc được danh sách đề nghị khen thưởng nào trong văn bản",
    "table_skipped": "{warning}",
    "missing_school": "Không xác định được trường gửi: văn bản không ghi cơ quan ban hành",
    "scanned": "Văn bản quét, đọc bằng OCR: cần đối chiếu họ tên, chức vụ với bản giấy",
    "corrected": "người kiểm tra sửa {field} «{old}» thành «{new}»",
    "excluded": "{name} đã được bỏ ra khỏi danh sách theo quyết định của người kiểm tra",
}
# A few words per code, for badges beside a row.
LABELS = {
    "duplicate": "Trùng người", "missing_name": "Thiếu họ tên", "missing_title": "Thiếu danh hiệu",
    "missing_unit": "Thiếu đơn vị", "missing_position": "Thiếu chức vụ", "unknown_title": "Danh hiệu lạ",
    "title_uncertain": "Danh hiệu đọc gần đúng", "figure_mismatch": "Số liệu không khớp",
    "figure_exceeds_staff": "Vượt tổng số CB, GV, NV", "no_proposals": "Không có danh sách",
    "table_skipped": "Có bảng không đọc", "missing_school": "Không rõ trường", "scanned": "Bản quét",
    "corrected": "Đã sửa", "excluded": "Đã bỏ ra",
}
SCHEMA = "vanthu.consolidation/1"
EDITABLE = {"name": "họ tên", "position": "chức vụ", "unit": "đơn vị", "title": "danh hiệu"}
_DOCUMENT_CODES = ("missing_school", "scanned", "table_skipped", "no_proposals")
SHORT = {
    "figure_mismatch": "văn bản nêu {value} {title}, danh sách có {counted}",
    "figure_exceeds_staff": "số cá nhân đề nghị ({counted}) vượt tổng số CB, GV, NV ({value})",
    "no_proposals": "không đọc được danh sách đề nghị",
    "table_skipped": "có bảng không đọc được",
    "missing_school": "không rõ trường gửi",
    "scanned": "bản quét (OCR), cần đối chiếu bản giấy",
}
# Row flags counted in the Ghi chú of the summary report, per school: "2 dòng trùng người".
_ROW_SHORT = {
    "duplicate": "dòng trùng người", "missing_name": "dòng thiếu họ tên", "missing_title": "dòng thiếu danh hiệu",
    "missing_unit": "dòng thiếu đơn vị", "missing_position": "dòng thiếu chức vụ",
    "unknown_title": "dòng có danh hiệu lạ", "title_uncertain": "dòng có danh hiệu đọc gần đúng",
    "corrected": "dòng người kiểm tra đã sửa", "excluded": "dòng người kiểm tra đã bỏ ra",
}
CHECK = "(cần kiểm tra)"
# The short heading of each danh hiệu's column in the summary table (awards.json "column").
_COLUMNS = {t["name"]: t.get("column", t["name"]) for t in PATTERNS["titles"]}
NO_TITLE_GROUP = "Chưa xác định danh hiệu"
OTHER_TITLES = "Khác, chưa xác định"
NO_NAME = "(thiếu họ tên)"


# ================================================================ consolidate


def consolidate(submissions: list[tuple[dict[str, Any], ReadResult]]) -> Consolidation:
    """One list of every proposal of every ``(extraction, read result)`` submission, with its flags."""
    infos: list[SubmissionInfo] = []
    rows: list[Row] = []
    flags: list[Flag] = []
    for index, (extraction, result) in enumerate(submissions):
        submission = read_submission(result)
        info = _info(index, extraction, result, submission)
        infos.append(info)
        if not (extraction.get("header") or {}).get("issuer"):
            flags.append(_document_flag("missing_school", index))
        if result.source.ocr:
            flags.append(_document_flag("scanned", index))
        for warning in submission.warnings:
            flags.append(_document_flag("table_skipped", index, warning=warning))
        if not submission.proposals:
            flags.append(_document_flag("no_proposals", index))
        for proposal in submission.proposals:
            row = _row(len(rows) + 1, info, proposal)
            rows.append(row)
            info.rows.append(row.id)
    c = Consolidation(infos, rows, [])
    c.flags = _flags(c, flags)
    return c


def _flags(c: Consolidation, document_flags: list[Flag]) -> list[Flag]:
    """Every flag of ``c``, from its rows as they stand now (read, corrected, excluded), and ``row.flags``."""
    flags = list(document_flags)
    included = c.included
    for row in c.rows:
        row.flags = []
    for row in included:
        flags += _row_flags(row)
    for info in c.submissions:
        flags += _figure_flags(info, [r for r in included if r.submission == info.index])
    flags += _duplicates(included, c.submissions)
    rows_by_id = {r.id: r for r in c.rows}
    for rid, changes in c.edits.items():
        row = rows_by_id.get(int(rid))
        if row is None:
            continue
        for name, change in changes.items():
            message = MESSAGES["corrected"].format(field=EDITABLE.get(name, name), old=change["from"],
                                                   new=change["to"])
            flags.append(Flag("corrected", f"{_where(row)}: {message}", [row.id], row.submission))
        row.flags.append("corrected")
    for rid in c.excluded:
        row = rows_by_id[rid]
        row.flags.append("excluded")
        flags.append(Flag("excluded", f"{_where(row)}: {MESSAGES['excluded'].format(name=row.name or NO_NAME)}",
                          [row.id], row.submission))
    flags.sort(key=lambda f: (f.submission if f.submission is not None else len(c.submissions),
                              min(f.rows, default=0)))
    return flags


def _where(row: Row) -> str:
    where = row.where
    return where[:1].upper() + where[1:]


# ---------------------------------------------------------------- the clerk's review


def from_dict(data: dict[str, Any]) -> Consolidation:
    """The ``Consolidation`` a ``to_dict`` (or ``revise``) JSON form holds."""
    infos = [SubmissionInfo(
        s["index"], s["school"], s.get("issuer"), s.get("ref"), s.get("doc_type"), s.get("date"), s["document"],
        bool(s.get("ocr")), [Figure(**f) for f in s.get("figures") or []],
        {int(k): list(v) for k, v in (s.get("columns") or {}).items()}, list(s.get("rows") or []))
        for s in data.get("submissions") or []]
    rows = []
    for r in data.get("rows") or []:
        p = r.get("proposal")
        proposal = Proposal(**{**p, "spans": {k: tuple(v) for k, v in (p.get("spans") or {}).items()}}) if p else None
        rows.append(Row(r["id"], r["submission"], r["school"], r.get("ref"), r["document"], r.get("name") or "",
                        r.get("position") or "", r.get("unit") or "", r.get("title") or "", r.get("title_name"),
                        bool(r.get("collective")), r.get("row_number"), r.get("note") or "",
                        dict(r.get("source") or {}), list(r.get("flags") or []), proposal, r.get("title_match")))
    flags = [Flag(f["code"], f["message"], list(f.get("rows") or []), f.get("submission"), f.get("short") or "")
             for f in data.get("flags") or []]
    edits = {str(k): {f: dict(v) for f, v in e.items()} for k, e in (data.get("edits") or {}).items()}
    return Consolidation(infos, rows, flags, sorted(int(x) for x in data.get("excluded") or []), edits)


def revise(data: dict[str, Any], edits: dict[str, dict[str, str]], excluded: list[int]) -> dict[str, Any]:
    """Apply a clerk's review to a consolidation's JSON form; return the new form with flags computed again.

    ``edits``: row id -> {field: new value} for ``name``, ``position``, ``unit``, ``title`` (a
    corrected danh hiệu is recognised again). ``excluded``: every row id to leave out now. Each
    correction is kept against the value first read (``edits``) and listed as a ``corrected``
    flag; a correction back to what was read disappears. Excluded rows stay, flagged ``excluded``.
    """
    c = from_dict(data)
    rows_by_id = {r.id: r for r in c.rows}
    for rid, changes in edits.items():
        row = rows_by_id.get(int(rid))
        if row is None:
            continue
        history = c.edits.setdefault(str(row.id), {})
        for name, value in changes.items():
            if name not in EDITABLE:
                continue
            value = " ".join(str(value).split())
            first = history.get(name) or {"from": getattr(row, name), "source": row.source.get(name, "")}
            setattr(row, name, value)
            if value == first["from"]:
                history.pop(name, None)
                row.source[name] = first["source"]
            else:
                history[name] = {"from": first["from"], "to": value, "source": first["source"]}
                row.source[name] = "clerk"
        row.title_name, row.title_match, row.collective = recognise(row.name, row.title)
        if not history:
            c.edits.pop(str(row.id), None)
    c.excluded = sorted({int(x) for x in excluded} & set(rows_by_id))
    c.flags = _flags(c, [f for f in c.flags if f.code in _DOCUMENT_CODES])
    return c.to_dict()


def _document_flag(code: str, index: int, **kw: str) -> Flag:
    return Flag(code, MESSAGES[code].format(**kw), submission=index, short=SHORT[code].format(**kw))


def _info(index: int, extraction: dict[str, Any], result: ReadResult, submission: Submission) -> SubmissionInfo:
    header = extraction.get("header") or {}
    issuer = header.get("issuer")
    filename = extraction.get("filename") or (extraction.get("source") or {}).get("filename")
    school = _unit_name(issuer) if issuer else f"Không rõ trường (văn bản thứ {index + 1})"
    doc_type = header.get("doc_type")
    ref = header.get("ref")
    document = doc_type or "Văn bản"
    if ref:
        document += f" số {ref}"
    elif issuer:
        document += f" của {school}"
    else:
        document += f" «{filename}»" if filename else f" thứ {index + 1}"
    date = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", header.get("date") or "")
    if date:
        document += f" ngày {int(date.group(3))}/{int(date.group(2))}/{date.group(1)}"
    return SubmissionInfo(index, school, issuer, ref, doc_type, header.get("date"), document, bool(result.source.ocr),
                          submission.figures, submission.columns)


def _row(row_id: int, info: SubmissionInfo, p: Proposal) -> Row:
    source = dict(p.source)
    unit = p.unit
    if not unit and p.source.get("unit") == "absent" and info.issuer:
        unit = info.school
        source["unit"] = "issuer"  # the list has no Đơn vị column: the school that sent it
    return Row(row_id, info.index, info.school, info.ref, info.document, p.name, p.position, unit, p.title,
               p.title_name, p.collective, p.row_number, p.note, source, proposal=p, title_match=p.title_match)


def _row_flags(row: Row) -> list[Flag]:
    out: list[Flag] = []

    def add(code: str, **kw: str) -> None:
        row.flags.append(code)
        out.append(Flag(code, f"{_where(row)}: {MESSAGES[code].format(**kw)}", [row.id], row.submission))

    if not row.name:
        add("missing_name")
    if not row.title:
        add("missing_title")
    elif row.title_name is None:
        add("unknown_title", title=row.title)
    elif row.title_match == "fuzzy":
        add("title_uncertain", title=row.title, name=row.title_name)
    if not row.unit:
        add("missing_unit")
    if not row.position and not row.collective:
        add("missing_position")
    return out


# ---------------------------------------------------------------- figures


def _figure_flags(info: SubmissionInfo, rows: list[Row]) -> list[Flag]:
    out: list[Flag] = []
    seen: set[tuple[str, str | None, int]] = set()
    for figure in info.figures:
        if figure.kind == "staff":
            individuals = sum(1 for r in rows if not r.collective)
            if individuals > figure.value:
                kw = {"counted": individuals, "value": figure.value}
                out.append(Flag("figure_exceeds_staff", MESSAGES["figure_exceeds_staff"].format(**kw),
                                [r.id for r in rows], info.index, SHORT["figure_exceeds_staff"].format(**kw)))
            continue
        counted_rows = _counted(figure, rows)
        if counted_rows is None:
            continue
        key = (figure.kind if figure.kind != "table_total" else f"table{figure.block}", figure.title_name, figure.value)
        if len(counted_rows) == figure.value or key in seen:
            continue
        seen.add(key)
        what = "dòng"
        if figure.title_name:
            what = f"dòng {figure.title_name}"
        out.append(Flag("figure_mismatch", MESSAGES["figure_mismatch"].format(
            text=figure.text, counted=len(counted_rows), what=what), [r.id for r in counted_rows], info.index,
            SHORT["figure_mismatch"].format(value=figure.value, title=figure.title_name or "dòng",
                                            counted=len(counted_rows))))
    return out


def _counted(figure: Figure, rows: list[Row]) -> list[Row] | None:
    """The rows a stated figure counts, or None when it counts nothing comparable."""
    if figure.kind == "proposed_total":
        return rows
    if figure.kind == "table_total":
        rows = [r for r in rows if r.proposal is not None and r.proposal.block == figure.block]
    elif figure.kind != "proposed":
        return None
    if figure.title_name:
        rows = [r for r in rows if r.title_name == figure.title_name]
        if TITLE_KINDS.get(figure.title_name) == "both" and figure.subject:
            rows = [r for r in rows if r.collective == (figure.subject == "collective")]
    return rows


# ---------------------------------------------------------------- duplicates


def _duplicates(rows: list[Row], infos: list[SubmissionInfo]) -> list[Flag]:
    """Rows naming the same person (folded name) of the same unit, within or across submissions."""
    by_name: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.name:
            by_name[_name_key(row.name)].append(row)
    out: list[Flag] = []
    for same_name in by_name.values():
        if len(same_name) < 2:
            continue
        groups: list[list[Row]] = []
        for row in same_name:
            aff = _affiliation(row, infos)
            for group in groups:
                if _same_unit(aff, _affiliation(group[0], infos)):
                    group.append(row)
                    break
            else:
                groups.append([row])
        for group in groups:
            if len(group) < 2:
                continue
            first = group[0]
            for row in group:
                row.flags.append("duplicate")
            places = ", ".join(r.where for r in group)
            out.append(Flag("duplicate", MESSAGES["duplicate"].format(name=first.name, unit=_unit_label(first, infos),
                                                                      places=places) + f" {CHECK}",
                            [r.id for r in group], first.submission))
    return out


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(match_key(name))).split())


_ABBREVIATIONS = {" ".join(fold(match_key(k)).split()): fold(match_key(v)) for k, v in PATTERNS["unit_abbreviations"].items()}
_AFFILIATION_HEADS = [fold(match_key(h)) for h in PATTERNS["affiliation_heads"]]


def _unit_key(unit: str) -> tuple[str, ...]:
    """Folded words of a unit name with abbreviations spelled out (``Trường TH số 1`` = ``TRƯỜNG TIỂU HỌC SỐ 1``)."""
    words = re.findall(r"[\w&]+", fold(match_key(unit)))
    out: list[str] = []
    for w in words:
        out += _ABBREVIATIONS.get(w, w).split()
    if out[:1] == ["truong"]:
        out = out[1:]  # "THCS Nguyễn Trãi" is "Trường THCS Nguyễn Trãi"
    return tuple(out)


def _same_unit(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Equal, or one the start of the other (``Trường TH số 1`` and ``Trường TH số 1 Mường Ảng``)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long[: len(short)] == short


def _is_affiliation(unit: str) -> bool:
    k = " ".join(re.findall(r"[\w&]+", fold(match_key(unit))))
    return any(k == h or k.startswith(h + " ") for h in _AFFILIATION_HEADS)


def _affiliation(row: Row, infos: list[SubmissionInfo]) -> tuple[str, ...]:
    """The school or office a row's person belongs to: its unit when that names one, else the submitting school."""
    if row.unit and _is_affiliation(row.unit):
        return _unit_key(row.unit)
    return _unit_key(infos[row.submission].school)


def _unit_label(row: Row, infos: list[SubmissionInfo]) -> str:
    return row.unit if row.unit and _is_affiliation(row.unit) else infos[row.submission].school


def _unit_name(issuer: str) -> str:
    """An upper-case issuer line as a unit name in a list: ``TRƯỜNG TIỂU HỌC SỐ 1 MƯỜNG ẢNG`` -> ``Trường Tiểu học số 1 Mường Ảng``."""
    text = " ".join(issuer.split())
    if not text or text != text.upper():
        return text
    display = {k: v for k, v in PATTERNS["unit_display"].items() if not k.startswith("_")}
    out: list[str] = []
    words = text.split()
    i = 0
    while i < len(words):
        for n in range(min(8, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in display:
                out.append(display[phrase])
                i += n
                break
        else:
            w = words[i]
            keep = any(ch.isdigit() for ch in w) or not re.search(r"[AEIOUY]", fold(w))  # THCS, PTDTBT, 1
            out.append(w if keep else w[:1] + w[1:].lower())
            i += 1
    return " ".join(out)


# ================================================================ template contexts


def _notes(row: Row, rows_by_id: dict[int, Row], duplicates: dict[int, list[int]]) -> str:
    notes = []
    for other in duplicates.get(row.id, []):
        notes.append(f"Trùng với {rows_by_id[other].where} {CHECK}")
    for code in ("missing_name", "missing_title", "missing_unit", "missing_position", "unknown_title",
                 "title_uncertain"):
        if code in row.flags:
            msg = MESSAGES[code].format(title=row.title, name=row.title_name or "")
            notes.append(f"{msg} {CHECK}")
    return "; ".join(notes)


def _duplicate_map(c: Consolidation) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for flag in c.flags:
        if flag.code == "duplicate":
            for a in flag.rows:
                out[a] += [b for b in flag.rows if b != a]
    return out


def _group_title(row: Row) -> str:
    if row.title_name:
        return row.title_name
    return row.title or NO_TITLE_GROUP


def annex_context(c: Consolidation, *, title: str = "Danh sách",
                  subtitle: str = "Cá nhân, tập thể được khen thưởng") -> dict[str, Any]:
    """The ``annex`` of the ``quyet_dinh`` template: danh hiệu, then units, then people; every row exactly once.

    A row without a name still appears, as ``(thiếu họ tên)`` with its note, so nothing is left
    out of the list the leader signs without being seen.
    """
    rows_by_id = {r.id: r for r in c.rows}
    duplicates = _duplicate_map(c)
    order = {name: i for i, name in enumerate(TITLES)}
    titles: dict[str, list[Row]] = {}
    for row in c.included:
        titles.setdefault(_group_title(row), []).append(row)
    ranked = sorted(titles, key=lambda t: (0, order[t]) if t in order else (2, 0) if t == NO_TITLE_GROUP else (1, 0))
    groups = []
    for name in ranked:
        units: list[tuple[tuple[str, ...], str, list[Row]]] = []
        for row in titles[name]:
            aff = _affiliation(row, c.submissions)
            for key, _, members in units:
                if _same_unit(key, aff):
                    members.append(row)
                    break
            else:
                units.append((aff, _unit_display(row, c.submissions), [row]))
        groups.append({
            "title": name, "count": str(len(titles[name])),
            "units": [{"unit": label, "count": str(len(members)),
                       "people": [_person(r, rows_by_id, duplicates) for r in members]}
                      for _, label, members in units],
        })
    return {"title": title, "subtitle": subtitle, "groups": groups}


def _unit_display(row: Row, infos: list[SubmissionInfo]) -> str:
    """A unit group's name: the school's own name when the row belongs to a submitting school."""
    aff = _affiliation(row, infos)
    for info in infos:
        if info.issuer and _same_unit(aff, _unit_key(info.school)):
            return info.school
    return _unit_label(row, infos)


def _person(row: Row, rows_by_id: dict[int, Row], duplicates: dict[int, list[int]]) -> dict[str, str]:
    position = row.position
    if row.unit and not _is_affiliation(row.unit) and row.source.get("unit") != "issuer":
        position = ", ".join(x for x in (position, row.unit) if x)  # a tổ or khối inside the school
    return {"name": row.name or NO_NAME, "position": position, "note": _notes(row, rows_by_id, duplicates)}


def summary_context(c: Consolidation) -> dict[str, Any]:
    """``titles``, ``rows``, ``totals`` and ``flags`` of the ``bao_cao_tong_hop`` template: one row per school."""
    included = c.included
    known = [t for t in TITLES if any(r.title_name == t for r in included)]
    other = any(r.title_name is None for r in included)
    names = known + ([OTHER_TITLES] if other else [])
    schools: list[tuple[tuple[str, ...], list[SubmissionInfo]]] = []
    for info in c.submissions:
        key = _unit_key(info.school)
        for k, members in schools:
            if info.issuer and _same_unit(k, key):
                members.append(info)
                break
        else:
            schools.append((key, [info]))
    out_rows = []
    totals = [0] * len(names)
    for _, members in schools:
        ids = {rid for info in members for rid in info.rows}
        every = [r for r in c.rows if r.id in ids]
        mine = [r for r in included if r.id in ids]
        counts = [sum(1 for r in mine if (r.title_name == t if t != OTHER_TITLES else r.title_name is None))
                  for t in names]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        out_rows.append({
            "unit": members[0].school,
            "document": "; ".join(info.document for info in members),
            "counts": [str(n) for n in counts],
            "total": str(len(mine)),
            "notes": _school_notes(c, [info.index for info in members], every),
        })
    flags = []
    for flag in c.flags:
        info = c.submissions[flag.submission] if flag.submission is not None else None
        if info is None or flag.code == "duplicate":
            flags.append(flag.message)  # names every row's document itself
        elif flag.rows and flag.code not in ("figure_mismatch", "figure_exceeds_staff"):
            flags.append(f"{info.school}: {flag.message}")  # a row's message names its document
        else:
            flags.append(f"{info.school}, {info.document_short}: {flag.message}")
    titles = [_COLUMNS.get(t, t) for t in names]
    return {"titles": titles, "rows": out_rows, "totals": {"counts": [str(n) for n in totals],
                                                           "total": str(len(included))}, "flags": flags}


def _school_notes(c: Consolidation, indexes: list[int], rows: list[Row]) -> str:
    notes: list[str] = []
    for code, label in _ROW_SHORT.items():
        n = sum(1 for r in rows if code in r.flags)
        if n:
            notes.append(f"{n} {label}")
    for flag in c.flags:
        if flag.submission in indexes and flag.code in ("figure_mismatch", "figure_exceeds_staff", "no_proposals",
                                                         "scanned", "table_skipped", "missing_school"):
            notes.append(flag.short or flag.message)
    text = "; ".join(notes)
    return text[:1].upper() + text[1:]

