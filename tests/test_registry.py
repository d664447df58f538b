"""store/registry.py: seed, import (JSONL, CSV, XLSX), upsert, lookup, unit visibility, registration.

Runs on SQLite through store.db with the Alembic migrations (0002_registry) applied. Facts are
checked against the shared registry data read here, not against copies written in this file.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, text

from store import db, registry
from store.models import RegistryEntry, RegistryMeta, RegistryRelation, Unit
from tests.conftest import SHARED

REGISTRY = SHARED / "registry"


@pytest.fixture
def dbenv(tmp_path, monkeypatch):
    monkeypatch.setenv("VANTHU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'vanthu.db'}")
    db.migrate()
    try:
        yield tmp_path
    finally:
        db.dispose_engines()


@pytest.fixture
def seeded(dbenv):
    report = registry.ensure_seeded()
    return report


def _units(*codes: str) -> list[int]:
    with db.session() as s:
        units = [Unit(code=c, name=c) for c in codes]
        s.add_all(units)
        s.flush()
        return [u.id for u in units]


def _count(s, *where) -> int:
    return s.scalar(select(func.count(RegistryEntry.id)).where(*where))


def _curated_rows() -> list[dict]:
    return [json.loads(line) for line in (REGISTRY / "curated.jsonl").read_text(encoding="utf-8").splitlines()]


def _vbpl_rows() -> list[dict]:
    with (REGISTRY / "vbpl_central_documents.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _ref_of(row: dict) -> str:
    """The ref a curated row cites, read from its full_ref the way a reader would."""
    m = re.search(r"số\s+(\S+)", row["full_ref"])
    return m.group(1)


def _vi_date(line: str) -> date | None:
    d, m, y = map(int, re.search(r"ngày (\d+) tháng (\d+) năm (\d{4})", line).groups())
    try:
        return date(y, m, d)
    except ValueError:  # the page's own typo, e.g. a 31st in a 30-day month
        return None


# ---------------------------------------------------------------- canonical refs


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("98/2023/NĐ-CP", "98/2023/NĐ-CP"),
        (" 98 / 2023 / NÐ – CP ", "98/2023/NĐ-CP"),  # spaces, Icelandic Eth, en dash
        ("Số: 217/KH-SGDĐT;", "217/KH-SGDĐT"),
        ("05-CT/TW.", "05-CT/TW"),
        ("711/QĐ—TTg", "711/QĐ-TTg"),  # em dash; "g" keeps its case
        ("146/2025/TT-BTС", "146/2025/TT-BTC"),  # Cyrillic С in the vbpl title
    ],
)
def test_canonical_ref(written, canonical):
    assert registry.canonical_ref(written) == canonical


def test_bundled_seed_is_the_shared_data():
    for name in registry.SEED_FILES:
        assert (registry.SEED_DIR / name).read_bytes() == (REGISTRY / name).read_bytes()


# ---------------------------------------------------------------- seed


def test_seed_counts_and_idempotence(seeded):
    report = seeded
    vbpl = _vbpl_rows()
    assert report.added + report.updated + report.skipped == len(_curated_rows()) + len(vbpl)
    # Rows without any reference are the pages vbpl served without a document (footer only).
    blank = [r for r in vbpl if not r["title"]]
    assert len(blank) <= len(report.errors) <= report.skipped
    assert all("skipped: no reference" in e for e in report.errors)
    with db.session() as s:
        n = _count(s)
        assert n == report.added
        assert n >= 53 + 900
        newest = max(
            date(*reversed(list(map(int, r["updated_date"].split("/")))))
            for r in vbpl
            if re.fullmatch(r"\d\d/\d\d/\d{4}", r["updated_date"])
        )
        assert registry.as_of(s) == newest
        seed_sha = s.get(RegistryMeta, "seed_sha256").value

    again = registry.ensure_seeded()
    assert (again.added, again.updated, again.skipped, again.errors) == (0, 0, 0, [])
    with db.session() as s:
        assert _count(s) == n
        assert registry.seed(s).added == 0  # seed() itself is idempotent too
        assert s.get(RegistryMeta, "seed_sha256").value == seed_sha
        rels = s.scalar(select(func.count(RegistryRelation.id)))
    # Importing the same bundled file again by hand adds nothing either.
    with db.session() as s:
        r = registry.import_file(s, registry.SEED_DIR / "curated.jsonl")
        assert r.added == 0
        assert _count(s) == n
        assert s.scalar(select(func.count(RegistryRelation.id))) == rels


def test_unseeded_registry_has_no_as_of(dbenv):
    with db.session() as s:
        assert registry.as_of(s) is None
        assert registry.lookup(s, "98/2023/NĐ-CP") == []


def test_curated_facts_after_seed(seeded):
    rows = [r for r in _curated_rows() if r["number"]]
    with db.session() as s:
        for row in rows:
            ref = _ref_of(row)
            issued = date.fromisoformat(row["issued"]) if row["issued"] else None
            found = registry.lookup(s, ref, issued=issued)
            assert len(found) == 1, (ref, found)
            e = found[0]
            assert e.ref == ref
            assert e.doc_type == row["type"]
            assert e.issued == issued
            if row["effective"]:  # null is "unknown": the vbpl list may know it
                assert e.effective == date.fromisoformat(row["effective"]), ref
            if row["status"]:
                assert e.status == row["status"], ref
            if row["replaced_by"]:
                succ = registry.successor(s, e)
                assert succ is not None and succ.ref == _ref_of({"full_ref": row["replaced_by"]}), ref
                assert e.status == "replaced"
            elif e.status != "replaced":
                assert registry.successor(s, e) is None
        # Spot facts, as stated by the shared data.
        nd98 = registry.lookup(s, "98/2023/NĐ-CP")[0]
        assert (nd98.status, nd98.issued, nd98.number, nd98.year, nd98.symbol) == (
            "replaced", date(2023, 12, 31), "98", 2023, "NĐ-CP"
        )
        assert registry.successor(s, nd98).ref == "152/2025/NĐ-CP"
        nd152 = registry.successor(s, nd98)
        assert any(r.kind == "replaces" and r.to_id == nd98.id for r in nd152.relations)
        assert registry.successor(s, registry.lookup(s, "36-HD/VPTW")[0]).ref == "05-HD/VPTW"
        ct05 = registry.lookup(s, "05-CT/TW")
        assert [(e.symbol, e.issued) for e in ct05] == [("CT/TW", date(2016, 5, 15))]
        # A law known by name only: no ref, found by type + date.
        laws = registry.lookup(s, doc_type="Luật", issued=date(2003, 11, 26))
        assert [(e.ref, e.title) for e in laws] == [(None, "Luật Thi đua, khen thưởng")]


def test_vbpl_facts_after_seed(seeded):
    rows = _vbpl_rows()
    status_of = {
        "Còn hiệu lực": "in_force",
        "Hết hiệu lực toàn bộ": "expired",
        "Hết hiệu lực một phần": "partly_replaced",
        "Chưa có hiệu lực": "not_yet_in_force",
    }
    curated_refs = {_ref_of(r) for r in _curated_rows() if r["number"]}
    titled = {}
    for r in rows:
        m = re.match(r"^(Nghị định|Thông tư|Quyết định) số (\d+/\d{4}/[A-ZĐ][\wĐ-]+)\s", r["title"])
        if m:
            titled.setdefault(m.group(2), []).append(r)
    checked = 0
    with db.session() as s:
        for ref, same in titled.items():
            if len(same) != 1 or ref in curated_refs:
                continue
            row = same[0]
            found = registry.lookup(s, ref)
            assert len(found) == 1, ref
            e = found[0]
            assert e.status == status_of.get(row["status"], "unknown"), ref
            eff = row["effective_date"]
            ok = re.fullmatch(r"\d\d/\d\d/\d{4}", eff)
            if ok:
                assert e.effective == date(*reversed(list(map(int, eff.split("/"))))), ref
            so_number = re.match(r"Số:\s*0*(\d+)", row["so_ky_hieu_line"] or "")
            same_text = so_number is None or so_number.group(1) == ref.split("/")[0].split("-")[0].lstrip("0")
            if same_text and re.search(r"ngày \d+ tháng \d+ năm \d{4}", row["place_date_line"]):
                expected = _vi_date(row["place_date_line"])
                if expected is not None:
                    assert e.issued == expected, ref
            checked += 1
        assert checked > 400
        # Spot rows.
        nd249 = registry.lookup(s, "249/2025/NĐ-CP")[0]
        assert (nd249.status, nd249.issued, nd249.effective, nd249.issuer, nd249.doc_type) == (
            "in_force", date(2025, 9, 19), date(2025, 9, 19), "CHÍNH PHỦ", "Nghị định"
        )
        assert nd249.title.startswith("Quy định cơ chế, chính sách thu hút chuyên gia")
        law = registry.lookup(s, "109/2025/QH15")[0]
        assert (law.status, law.effective, law.doc_type, law.title) == (
            "not_yet_in_force", date(2026, 7, 1), "Luật", "Luật Thuế thu nhập cá nhân"
        )
        # Title "LUẬT" only: the ref comes from the header's "Luật số:" line.
        assert registry.lookup(s, "128/2025/QH15")[0].status == "not_yet_in_force"
        # Each Vietnamese status phrase occurs and is mapped.
        for phrase, status in status_of.items():
            n = sum(1 for r in rows if r["status"] == phrase)
            assert n and _count(s, RegistryEntry.status == status) > 0, phrase


# ---------------------------------------------------------------- import formats and upsert


CURATED_KEYS = ["type", "number", "symbol", "full_ref", "issued", "issuer", "title", "effective", "status",
                "replaced_by", "source"]


def _curated(number, symbol, full_ref, issued, *, status=None, replaced_by=None, type_="Thông tư", title="t"):
    return {"type": type_, "number": number, "symbol": symbol, "full_ref": full_ref, "issued": issued,
            "issuer": "Bộ Nội vụ", "title": title, "effective": None, "status": status,
            "replaced_by": replaced_by, "source": "test"}


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_import_jsonl_upserts_and_links_forward(dbenv):
    # The replaced text comes first, its successor later in the file.
    rows = [
        _curated("01", "2024/TT-BNV", "Thông tư số 01/2024/TT-BNV", "2024-01-02",
                 replaced_by="Thông tư số 15/2025/TT-BNV"),
        _curated("15", "2025/TT-BNV", "Thông tư số 15/2025/TT-BNV", "2025-06-20", status="in_force"),
    ]
    path = _write_jsonl(dbenv / "a.jsonl", rows)
    with db.session() as s:
        r1 = registry.import_file(s, path)
        assert (r1.added, r1.updated, r1.errors) == (2, 0, [])
        old = registry.lookup(s, "01/2024/TT-BNV")[0]
        assert old.status == "replaced"  # replaced_by given without a status
        assert registry.successor(s, old).ref == "15/2025/TT-BNV"
    with db.session() as s:
        r2 = registry.import_file(s, path)
        assert (r2.added, r2.updated, r2.skipped) == (0, 0, 2)
        assert _count(s) == 2
        assert s.scalar(select(func.count(RegistryRelation.id))) == 2  # replaced_by + replaces, once
    rows[1]["status"] = "expired"
    rows[1]["effective"] = "2025-08-05"
    _write_jsonl(path, rows)
    with db.session() as s:
        r3 = registry.import_file(s, path, source="admin upload")
        assert (r3.added, r3.updated) == (0, 1)
        e = registry.lookup(s, "15/2025/TT-BNV")[0]
        assert (e.status, e.effective, e.source) == ("expired", date(2025, 8, 5), "test")


def test_import_reports_bad_rows(dbenv):
    path = dbenv / "bad.jsonl"
    path.write_text('{"type": "Luật", "title": null}\nnot json\n', encoding="utf-8")
    with db.session() as s:
        r = registry.import_file(s, path)
    assert r.added == 0 and r.skipped == 1
    assert len(r.errors) == 2 and "bad.jsonl:2" in r.errors[1]


def test_import_csv_vbpl_format(dbenv):
    rows = _vbpl_rows()
    picked = [r for r in rows if r["title"].startswith("Nghị định số 249/2025/NĐ-CP")]
    picked += [r for r in rows if r["status"] == "Hết hiệu lực toàn bộ"][:1]
    path = dbenv / "v.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(picked)
    with db.session() as s:
        r = registry.import_file(s, path)
        assert (r.added, r.errors) == (2, [])
        assert registry.lookup(s, "249/2025/NĐ-CP")[0].status == "in_force"
        assert _count(s, RegistryEntry.status == "expired") == 1
        assert registry.import_file(s, path).added == 0


def test_import_xlsx_both_layouts(dbenv):
    curated = dbenv / "c.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CURATED_KEYS)
    ws.append(["Chỉ thị", "34", "CT/TW", "Chỉ thị số 34-CT/TW", date(2014, 4, 7), "Ban Bí thư",
               "về công tác thi đua", None, None, None, "xlsx"])
    ws.append(["Chỉ thị", "34", "CT/TW", "Chỉ thị số 34-CT/TW", "2024-05-24", "Bộ Chính trị",
               "phát triển nhà ở xã hội", None, "in_force", None, "xlsx"])
    wb.save(curated)

    vbpl = dbenv / "v.xlsx"
    header = list(_vbpl_rows()[0])
    row = next(r for r in _vbpl_rows() if r["title"].startswith("Luật Thuế thu nhập cá nhân số"))
    wb = openpyxl.Workbook()
    wb.active.append(header)
    wb.active.append([row[h] for h in header])
    wb.save(vbpl)

    with db.session() as s:
        r = registry.import_file(s, curated)
        assert (r.added, r.errors) == (2, [])
        r = registry.import_file(s, vbpl)
        assert (r.added, r.errors) == (1, [])
        assert registry.lookup(s, "109/2025/QH15")[0].status == "not_yet_in_force"
        assert registry.import_file(s, curated).added == 0
        assert _count(s) == 3


# ---------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    "written",
    ["98/2023/NĐ-CP", " 98 / 2023 / NĐ - CP", "98/2023/NÐ-CP", "98/2023/nđ-cp", "98/2023/ND-CP",
     "Số: 98/2023/NĐ–CP;"],
)
def test_lookup_tolerates_spacing_ocr_and_case(seeded, written):
    with db.session() as s:
        found = registry.lookup(s, written)
        assert [e.ref for e in found] == ["98/2023/NĐ-CP"]


def test_lookup_misses_and_malformed_party_form(seeded):
    with db.session() as s:
        assert registry.lookup(s, "99/2023/NĐ-CP") == []
        assert registry.lookup(s, "98/2024/NĐ-CP") == []
        assert registry.lookup(s, "") == []
        # "18/NQ-TW" is the malformed spelling of 18-NQ/TW: found, with the entry's own spelling.
        assert [e.ref for e in registry.lookup(s, "18/NQ-TW")] == ["18-NQ/TW"]


def test_lookup_by_ref_is_indexed(seeded):
    with db.engine().connect() as conn:
        plan = conn.execute(
            text("EXPLAIN QUERY PLAN SELECT id FROM registry_entries WHERE ref_key = :k AND unit_id IS NULL"),
            {"k": registry.ref_key("98/2023/NĐ-CP")},
        ).fetchall()
    assert "ix_registry_entries_ref_key" in " ".join(str(r[-1]) for r in plan)


def test_law_by_type_date_and_title(seeded):
    with db.session() as s:
        both = registry.lookup(s, doc_type="Luật", issued=date(2015, 6, 19))
        assert len(both) == 2  # two laws of 19/6/2015
        one = registry.lookup(s, doc_type="LUẬT", issued=date(2015, 6, 19), title="Luật Tổ chức Chính phủ")
        assert [e.title for e in one] == ["Luật Tổ chức Chính phủ"]
        by_title = registry.lookup(s, doc_type="Luật", title="Luật Thi đua, Khen thưởng")
        assert {e.ref for e in by_title} == {None, "06/2022/QH15"}
        assert registry.lookup(s, title="Luật không có thật về mọi thứ") == []


def test_party_refs_disambiguated_by_date(dbenv):
    rows = [
        _curated("34", "CT/TW", "Chỉ thị số 34-CT/TW", "2014-04-07", type_="Chỉ thị", title="thi đua"),
        _curated("34", "CT/TW", "Chỉ thị số 34-CT/TW", "2024-05-24", type_="Chỉ thị", status="in_force",
                 title="nhà ở xã hội"),
    ]
    path = _write_jsonl(dbenv / "p.jsonl", rows)
    with db.session() as s:
        assert registry.import_file(s, path).added == 2
        assert registry.import_file(s, path).added == 0
        both = registry.lookup(s, "34-CT/TW")
        assert sorted(e.issued for e in both) == [date(2014, 4, 7), date(2024, 5, 24)]
        new = registry.lookup(s, "34-CT/TW", issued=date(2024, 5, 24))
        assert [(e.issued, e.status) for e in new] == [(date(2024, 5, 24), "in_force")]
        old = registry.lookup(s, "34-CT/TW", issued=date(2014, 4, 7))
        assert [e.title for e in old] == ["thi đua"]
        # A date matching neither: every candidate, for the checker to report.
        assert len(registry.lookup(s, "34-CT/TW", issued=date(2019, 1, 1))) == 2
        # A dated ref (with a year) is one text whatever the date: upsert does not split it.
    dated = [_curated("07", "2026/TT-BGDĐT", "Thông tư số 07/2026/TT-BGDĐT", "2026-02-15"),
             _curated("07", "2026/TT-BGDĐT", "Thông tư số 07/2026/TT-BGDĐT", "2026-02-16")]
    with db.session() as s:
        r = registry.import_file(s, _write_jsonl(dbenv / "d.jsonl", dated))
        assert (r.added, r.updated) == (1, 1)


# ---------------------------------------------------------------- units


def test_unit_visibility(dbenv, seeded):
    u1, u2 = _units("truong-a", "truong-b")
    path = _write_jsonl(dbenv / "u.jsonl", [
        _curated("217", "KH-SGDĐT", "Kế hoạch số 217/KH-SGDĐT", "2022-01-28", type_="Kế hoạch", title="kh"),
    ])
    with db.session() as s:
        assert registry.import_file(s, path, unit_id=u1).added == 1
    with db.session() as s:
        assert registry.lookup(s, "217/KH-SGDĐT") == []
        assert registry.lookup(s, "217/KH-SGDĐT", unit_id=u2) == []
        mine = registry.lookup(s, "217/KH-SGDĐT", unit_id=u1)
        assert [(e.ref, e.unit_id) for e in mine] == [("217/KH-SGDĐT", u1)]
        # Global entries stay visible to every unit.
        assert len(registry.lookup(s, "98/2023/NĐ-CP", unit_id=u2)) == 1
        # The same file imported for another unit is that unit's own copy.
        assert registry.import_file(s, path, unit_id=u2).added == 1
        assert [e.unit_id for e in registry.lookup(s, "217/KH-SGDĐT", unit_id=u2)] == [u2]


def test_register_document(seeded):
    (u1, u2) = _units("pgd", "thpt")
    header = {
        "issuer": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "number": "217", "year": None, "symbol": "KH-PGDĐT",
        "ref": "217/KH-PGDĐT", "date": "2022-03-10", "doc_type": "Kế hoạch",
        "subject": "Thực hiện công tác thi đua, khen thưởng năm 2022",
    }
    with db.session() as s:
        e = registry.register_document(s, u1, header)
        assert e is not None
        assert (e.ref, e.doc_type, e.issued, e.unit_id, e.title, e.number, e.symbol) == (
            "217/KH-PGDĐT", "Kế hoạch", date(2022, 3, 10), u1,
            "Thực hiện công tác thi đua, khen thưởng năm 2022", "217", "KH-PGDĐT",
        )
        first_id = e.id
    with db.session() as s:
        again = registry.register_document(s, u1, header)
        assert again.id == first_id
        # Next year's 217/KH-PGDĐT is another document.
        other = registry.register_document(s, u1, {**header, "date": "2023-03-01"})
        assert other.id != first_id
        assert registry.register_document(s, u1, {**header, "ref": None, "number": None}) is None
        # Built from number/year/symbol when ref is missing.
        built = registry.register_document(s, u1, {**header, "ref": None, "number": "12", "year": 2024,
                                                    "symbol": "QĐ-UBND"})
        assert built.ref == "12/2024/QĐ-UBND"
    with db.session() as s:
        assert [e.id for e in registry.lookup(s, "217/KH-PGDĐT", issued=date(2022, 3, 10), unit_id=u1)] == [
            first_id
        ]
        assert registry.lookup(s, "217/KH-PGDĐT", unit_id=u2) == []


def test_header_date_of_another_text_is_not_taken(tmp_path):
    """A vbpl row whose Số line names another ref: its place-and-date line is not this text's date."""
    from store.db import migrate, session
    from store.registry import import_file, lookup

    url = f"sqlite:///{tmp_path}/r.db"
    migrate(url)
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text(
        "url,scope,title,status,effective_date,updated_date,header_first_lines,so_ky_hieu_line,place_date_line\n"
        "u1,x,Nghị định số 303/2025/NĐ-CP Quy định thử,Còn hiệu lực,19/11/2025,,CHÍNH PHỦ,"
        "Số: 314/2025/NĐ-CP,\"Hà Nội, ngày 08 tháng 12 năm 2025\"\n"
        "u2,x,Nghị định số 249/2025/NĐ-CP Quy định khác,Còn hiệu lực,19/09/2025,,CHÍNH PHỦ,"
        "Số: 249/2025/NĐ-CP,\"Hà Nội, ngày 19 tháng 09 năm 2025\"\n", encoding="utf-8")
    with session(url) as s:
        import_file(s, csv_path)
        (wrong,) = lookup(s, "303/2025/NĐ-CP")
        (right,) = lookup(s, "249/2025/NĐ-CP")
        assert wrong.issued is None
        assert right.issued.isoformat() == "2025-09-19"
