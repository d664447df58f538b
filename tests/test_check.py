"""Cross-reference checker against the real seeded registry (temp SQLite, no mocks).

Every case is built from a fact read in ../shared/registry in the test itself.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest

from nlp.references import get_references
from worker.check import check_extraction, format_table, issuer_matches

REGISTRY = Path(__file__).resolve().parent.parent.parent / "shared" / "registry"
SEED_DOC = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "kh_pgddt_dienbienphu_2022_thidua.txt"


def _curated() -> list[dict]:
    return [json.loads(line) for line in (REGISTRY / "curated.jsonl").read_text(encoding="utf-8").splitlines() if line]


def _vbpl() -> list[dict]:
    with (REGISTRY / "vbpl_central_documents.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _dmy(s: str) -> date | None:
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", (s or "").strip())
    return date(int(m[3]), int(m[2]), int(m[1])) if m else None


def _vn(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


@pytest.fixture(scope="module")
def db_session(tmp_path_factory):
    """A fresh SQLite database, migrated and seeded with the real registry; yields a session factory."""
    import os

    from store import db, registry

    old = os.environ.get("DATABASE_URL")
    url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'vanthu.db'}"
    os.environ["DATABASE_URL"] = url
    try:
        db.migrate()
        registry.ensure_seeded()
        yield db.session
    finally:
        db.dispose_engines()
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old


def run(db_session, text: str, citing: str | None) -> list[dict]:
    """Extract the citations of ``text`` and check them as the document of date ``citing``."""
    refs = [r.to_dict() for r in get_references(text)]
    assert refs, text
    data = {"text": text, "header": {"date": citing}, "references": refs}
    with db_session() as s:
        check_extraction(data, s)
    return data["references"]


def codes(ref: dict) -> set[str]:
    return {f["code"] for f in ref["check"]["findings"]}


def find(ref: dict, code: str) -> dict:
    return next(f for f in ref["check"]["findings"] if f["code"] == code)


# ---------------------------------------------------------------- replaced


def _replaced_case() -> tuple[dict, dict]:
    rows = _curated()
    for r in rows:
        if r["status"] == "replaced" and r["number"] and r["issued"] and r["replaced_by"]:
            succ = next(x for x in rows if x["full_ref"] == r["replaced_by"])
            if succ["effective"] or succ["issued"]:
                return r, succ
    raise AssertionError("no replaced curated row with a known successor")


def test_replaced_names_the_successor(db_session):
    r, succ = _replaced_case()  # NĐ 98/2023/NĐ-CP -> NĐ 152/2025/NĐ-CP
    ref = f"{r['number']}/{r['symbol']}"
    issued = date.fromisoformat(r["issued"])
    text = f"Căn cứ {r['type']} số {ref} ngày {_vn(issued)} của {r['issuer']};"
    (out,) = run(db_session, text, "2026-03-01")
    assert out["check"]["match"]["ref"] == ref
    assert out["check"]["status"] == "error"
    msg = find(out, "replaced")["message"]
    assert f"{succ['number']}/{succ['symbol']}" in msg and "thay thế" in msg


def test_not_replaced_before_the_successor(db_session):
    r, succ = _replaced_case()
    ref = f"{r['number']}/{r['symbol']}"
    issued = date.fromisoformat(r["issued"])
    succ_from = date.fromisoformat(succ["effective"] or succ["issued"])
    citing = (issued + (succ_from - issued) / 2).isoformat()  # after the text, before its successor
    text = f"Căn cứ {r['type']} số {ref} ngày {_vn(issued)} của {r['issuer']};"
    (out,) = run(db_session, text, citing)
    assert "replaced" not in codes(out)
    assert out["check"]["status"] == "ok"


# ---------------------------------------------------------------- expired (vbpl "Hết hiệu lực toàn bộ")


def _expired_row() -> tuple[str, str, date, date]:
    for r in _vbpl():
        m = re.match(r"(Quyết định|Thông tư|Nghị định) số (\d+/\d{4}/[\wĐ-]+)", r["title"])
        issued, expiry = _dmy(r["meta_Ngày ban hành"]), _dmy(r["meta_Ngày hết hiệu lực"])
        if r["status"] == "Hết hiệu lực toàn bộ" and m and issued and expiry:
            return m[1], m[2], issued, expiry
    raise AssertionError("no expired vbpl row")


def test_expired_is_not_in_force_after_expiry(db_session):
    dtype, ref, issued, expiry = _expired_row()
    text = f"Căn cứ {dtype} số {ref} ngày {_vn(issued)};"
    (out,) = run(db_session, text, date(expiry.year + 1, 1, 15).isoformat())
    assert "not_in_force" in codes(out)
    assert find(out, "not_in_force")["severity"] == "error"
    assert out["check"]["status"] == "error"


def test_expired_was_in_force_before_expiry(db_session):
    dtype, ref, issued, expiry = _expired_row()
    text = f"Căn cứ {dtype} số {ref} ngày {_vn(issued)};"
    citing = max(issued, date(expiry.year - 1, expiry.month, 1))
    (out,) = run(db_session, text, citing.isoformat())
    assert "not_in_force" not in codes(out)
    assert out["check"]["match"]["ref"] == ref


def test_expired_as_mention_is_a_warning(db_session):
    dtype, ref, issued, _ = _expired_row()
    text = f"Nội dung đã nêu tại {dtype} số {ref} ngày {_vn(issued)}."
    (out,) = run(db_session, text, None)  # no citing date: judged at the registry's as-of date
    assert out["role"] == "mention"
    assert find(out, "not_in_force")["severity"] == "warning"
    assert "ngày đối chiếu" in find(out, "not_in_force")["message"]


# ---------------------------------------------------------------- not yet in force (vbpl "Chưa có hiệu lực")


def _not_yet_row() -> tuple[str, date]:
    for r in _vbpl():
        m = re.search(r"số (\d+/\d{4}/QH\d+)", r["title"], re.IGNORECASE)
        eff = _dmy(r["effective_date"])
        if r["status"] == "Chưa có hiệu lực" and m and eff:
            return m[1], eff
    raise AssertionError("no Chưa có hiệu lực law")


def test_not_yet_in_force_at_registry_date(db_session):
    ref, eff = _not_yet_row()  # e.g. Luật 109/2025/QH15, hiệu lực 01/07/2026
    (out,) = run(db_session, f"Căn cứ Luật số {ref};", None)
    f = find(out, "not_yet_in_force")
    assert f["severity"] == "warning" and _vn(eff).split("/")[-1] in f["message"]
    assert out["check"]["status"] == "warning"
    assert out["check"]["as_of"] is not None


def test_in_force_after_effective_date(db_session):
    ref, eff = _not_yet_row()
    (out,) = run(db_session, f"Căn cứ Luật số {ref};", date(eff.year, eff.month, 28).isoformat())
    assert "not_yet_in_force" not in codes(out)


# ---------------------------------------------------------------- dates, issuers (Party refs)


def _party(number: str, symbol: str) -> dict:
    return next(r for r in _curated() if r["number"] == number and r["symbol"] == symbol)


def test_party_ref_with_its_date_resolves(db_session):
    r = _party("05", "CT/TW")
    d = date.fromisoformat(r["issued"])
    (out,) = run(db_session, f"Thực hiện Chỉ thị số 05-CT/TW ngày {_vn(d)} của {r['issuer']};", "2022-03-10")
    assert out["check"]["status"] == "ok"
    assert out["check"]["match"] == {**out["check"]["match"], "ref": "05-CT/TW", "date": r["issued"]}
    assert out["check"]["findings"] == []


def test_date_mismatch_on_known_ref(db_session):
    r = _party("05", "CT/TW")
    d = date.fromisoformat(r["issued"])
    wrong = d.replace(month=d.month + 1)
    (out,) = run(db_session, f"Thực hiện Chỉ thị số 05-CT/TW ngày {_vn(wrong)} của {r['issuer']};", "2022-03-10")
    f = find(out, "date_mismatch")
    assert f["severity"] == "error" and f"{d.day:02d}/{d.month:02d}/{d.year}" in f["message"]
    assert out["check"]["status"] == "error"


def test_date_mismatch_on_legal_ref(db_session):
    r = next(x for x in _curated() if x["number"] == "30" and x["symbol"] == "2020/NĐ-CP")
    good = date.fromisoformat(r["issued"])
    (ok,) = run(db_session, f"Căn cứ Nghị định số 30/2020/NĐ-CP ngày {_vn(good)} của Chính phủ;", "2022-01-01")
    (bad,) = run(db_session, f"Căn cứ Nghị định số 30/2020/NĐ-CP ngày {_vn(good.replace(day=good.day + 1))} "
                 "của Chính phủ;", "2022-01-01")
    assert "date_mismatch" not in codes(ok) and ok["check"]["status"] == "ok"
    assert "date_mismatch" in codes(bad)


def test_party_symbol_of_another_term_is_not_guessed(db_session):
    # the registry holds only the 2024 34-CT/TW; a 2014 citation is another text (numbers repeat per term)
    r = _party("34", "CT/TW")
    (out,) = run(db_session, "Thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị;", "2022-03-10")
    assert out["check"]["match"] is None
    assert codes(out) == {"not_in_registry"}
    assert out["check"]["status"] == "unknown"
    assert r["issued"][:4] in find(out, "not_in_registry")["message"]


def test_issuer_mismatch(db_session):
    r = _party("05", "CT/TW")
    d = date.fromisoformat(r["issued"])
    (bad,) = run(db_session, f"Thực hiện Chỉ thị số 05-CT/TW ngày {_vn(d)} của Ban Bí thư;", "2022-03-10")
    (good,) = run(db_session, f"Thực hiện Chỉ thị số 05-CT/TW ngày {_vn(d)} của Bộ Chính trị khóa XII;", "2022-03-10")
    assert find(bad, "issuer_mismatch")["severity"] == "warning" and bad["check"]["status"] == "warning"
    assert "issuer_mismatch" not in codes(good)


def test_issuer_matching_expands_abbreviations():
    assert issuer_matches("UBND thành phố Điện Biên Phủ", "Ủy ban nhân dân thành phố Điện Biên Phủ")
    assert issuer_matches("Bộ Nội vụ", "Bộ trưởng Bộ Nội vụ")
    assert not issuer_matches("UBND thành phố Điện Biên Phủ", "Sở Giáo dục và Đào tạo")


def test_cited_after_citing(db_session):
    r = _party("01", "KL/TW")
    d = date.fromisoformat(r["issued"])
    text = f"Thực hiện Kết luận số 01-KL/TW ngày {_vn(d)} của {r['issuer']};"
    (late,) = run(db_session, text, date(d.year, 1, 2).isoformat())
    (fine,) = run(db_session, text, date(d.year + 1, 1, 2).isoformat())
    assert find(late, "cited_after_citing")["severity"] == "error"
    assert "cited_after_citing" not in codes(fine)


def test_cited_after_citing_from_registry_date(db_session):
    r = next(x for x in _curated() if x["number"] == "06" and x["symbol"] == "2022/QH15")
    (out,) = run(db_session, "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;", "2021-05-01")
    assert r["issued"] > "2021-05-01"
    assert "cited_after_citing" in codes(out)


# ---------------------------------------------------------------- ambiguity, form through the checker


def test_law_by_name_without_date_is_ambiguous(db_session):
    same = [r for r in _curated() if r["title"] == "Luật Tổ chức chính quyền địa phương"]
    assert len(same) == 2
    data = {"text": "", "header": {"date": "2026-01-01"}, "references": [
        {"text": "Luật Tổ chức chính quyền địa phương", "doc_type": "Luật", "number": None, "year": None,
         "symbol": None, "ref": None, "date": None, "issuer": None, "title": "Luật Tổ chức chính quyền địa phương",
         "role": "basis"},
        {"text": "Luật Tổ chức chính quyền địa phương", "doc_type": "Luật", "number": None, "year": None,
         "symbol": None, "ref": None, "date": same[0]["issued"], "issuer": None,
         "title": "Luật Tổ chức chính quyền địa phương", "role": "basis"},
    ]}
    with db_session() as s:
        check_extraction(data, s)
    amb, dated = data["references"]
    assert codes(amb) == {"ambiguous"} and amb["check"]["match"] is None and amb["check"]["status"] == "unknown"
    assert "ambiguous" not in codes(dated) and dated["check"]["match"]["date"] == same[0]["issued"]


def test_law_by_name_of_another_title_is_not_a_candidate(db_session):
    # two curated laws were passed on 19/6/2015; a third law of that day is neither
    day = [r for r in _curated() if r["issued"] == "2015-06-19"]
    assert len(day) >= 2
    (out,) = run(db_session, "Căn cứ Luật Nghĩa vụ quân sự ngày 19 tháng 6 năm 2015;", "2020-01-01")
    assert codes(out) == {"not_in_registry"} and out["check"]["match"] is None
    (known,) = run(db_session, f"Căn cứ {day[0]['title']} ngày 19 tháng 6 năm 2015;", "2020-01-01")
    assert known["check"]["match"]["date"] == "2015-06-19" and "ambiguous" not in codes(known)


def test_yearless_ref_with_two_entries_is_ambiguous(db_session, tmp_path):
    from store import registry

    rows = [{"type": "Kế hoạch", "number": "912", "symbol": "KH-PGDĐT", "full_ref": "Kế hoạch số 912/KH-PGDĐT",
             "issued": f"2022-0{m}-10", "issuer": "Phòng Giáo dục và Đào tạo", "title": f"kế hoạch {m}",
             "effective": None, "status": None, "replaced_by": None, "source": "test"} for m in (3, 9)]
    p = tmp_path / "two.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with db_session() as s:
        registry.import_file(s, p, source="test")
    (amb,) = run(db_session, "Thực hiện Kế hoạch số 912/KH-PGDĐT của Phòng Giáo dục và Đào tạo;", "2022-12-01")
    (one,) = run(db_session, "Thực hiện Kế hoạch số 912/KH-PGDĐT ngày 10/9/2022 của Phòng GDĐT;", "2022-12-01")
    assert "ambiguous" in codes(amb) and amb["check"]["match"] is None
    assert one["check"]["match"]["date"] == "2022-09-10" and one["check"]["status"] == "ok"


def test_malformed_party_symbol_still_resolves(db_session):
    r = _party("18", "NQ/TW")
    d = date.fromisoformat(r["issued"])
    (out,) = run(db_session, f"Căn cứ Nghị quyết số 18/NQ-TW ngày {_vn(d)} của {r['issuer']};", "2022-01-01")
    assert "malformed_symbol" in codes(out) and "18-NQ/TW" in find(out, "malformed_symbol")["message"]
    assert out["check"]["match"]["ref"] == "18-NQ/TW"
    assert out["check"]["status"] == "error"
    (good,) = run(db_session, f"Căn cứ Nghị quyết số 18-NQ/TW ngày {_vn(d)} của {r['issuer']};", "2022-01-01")
    assert "malformed_symbol" not in codes(good)


def test_law_with_number_in_can_cu_is_style(db_session):
    (numbered,) = run(db_session, "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;", "2024-03-01")
    (named,) = run(db_session, "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003;", "2010-03-01")
    assert find(numbered, "style")["severity"] == "warning" and numbered["check"]["status"] == "warning"
    assert named["check"]["findings"] == [] and named["check"]["status"] == "ok"


def test_unknown_local_plan_is_info_not_error(db_session):
    (out,) = run(db_session, "Căn cứ Kế hoạch số 217/KH-SGDĐT, ngày 28/01/2022 của Sở Giáo dục và Đào tạo;",
                 "2022-03-10")
    assert codes(out) == {"not_in_registry"}
    assert find(out, "not_in_registry")["severity"] == "info"
    assert out["check"] == {**out["check"], "status": "unknown", "match": None}


# ---------------------------------------------------------------- the seed document


def test_seed_document(db_session):
    from worker.analyze import analyze

    data = analyze(SEED_DOC.read_bytes(), filename=SEED_DOC.name)
    with db_session() as s:
        check_extraction(data, s)
    by_ref = {r["ref"]: r for r in data["references"]}
    for number, symbol in (("05", "CT/TW"), ("01", "KL/TW")):
        fact = _party(number, symbol)
        c = by_ref[f"{number}-{symbol}"]["check"]
        assert c["status"] == "ok", c
        assert c["match"]["date"] == fact["issued"] == by_ref[f"{number}-{symbol}"]["date"]
    for local in ("217/KH-SGDĐT", "345/KH-UBND", "994/HD-PGDĐT", "239/KH-PGDĐT", "901/KH-PGDĐT"):
        c = by_ref[local]["check"]
        assert c["status"] == "unknown" and [f["code"] for f in c["findings"]] == ["not_in_registry"]
    assert not any(r["check"]["status"] == "error" for r in data["references"])
    assert all(r["check"]["as_of"] for r in data["references"])
    assert data["document_findings"] == []  # 40 = 2022 - 1982, 30 = 2022 - 1992
    table = format_table(data)
    assert "Số ký hiệu" in table and "Trạng thái" in table and "Lý do" in table
    assert "05-CT/TW" in table and "hợp lệ" in table and "chưa rõ" in table


def test_check_file(tmp_path, monkeypatch):
    from store import db
    from worker.check import check_file

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cf.db'}")
    try:
        data = check_file(SEED_DOC)
    finally:
        db.dispose_engines()
    assert all("check" in r for r in data["references"]) and "document_findings" in data
    assert {r["check"]["status"] for r in data["references"]} == {"ok", "unknown"}
