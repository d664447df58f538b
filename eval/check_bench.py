"""Time to check a document with 50 citations against a registry of 100,000+ entries.

    .venv/bin/python eval/check_bench.py [--entries 100000] [--citations 50]

Builds a throwaway SQLite registry: the bundled seed plus generated entries
(decrees, circulars, decisions with distinct refs, dates and statuses), then
runs ``worker.check.check_extraction`` on an extraction holding the requested
number of citations (a mix of generated, seeded and unknown refs) and prints
the seconds per document and per citation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_KINDS = (("Nghị định", "NĐ-CP"), ("Thông tư", "TT-BGDĐT"), ("Quyết định", "QĐ-UBND"), ("Thông tư", "TT-BTC"))
_STATUS = ("in_force", "in_force", "in_force", "replaced", "expired", "partly_replaced")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--citations", type=int, default=50)
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="vanthu-check-bench-")
    os.environ["VANTHU_HOME"] = home
    os.environ["DATABASE_URL"] = f"sqlite:///{home}/bench.db"

    from sqlalchemy import insert

    from store.db import migrate, session
    from store.models import RegistryEntry
    from store.registry import ensure_seeded, ref_key
    from worker.check import check_extraction

    migrate()
    ensure_seeded()
    rng = random.Random(30)
    rows, generated = [], []
    t0 = time.perf_counter()
    for i in range(args.entries):
        doc_type, code = _KINDS[i % len(_KINDS)]
        year = 2000 + i % 26
        issued = dt.date(year, 1 + i % 12, 1 + i % 28)
        ref = f"{10_000 + i}/{year}/{code}" if code.startswith(("NĐ", "TT")) else f"{10_000 + i}/{code}"
        rows.append({"doc_type": doc_type, "number": str(10_000 + i), "year": year if "/" in ref[6:] else None,
                     "symbol": code, "ref": ref, "ref_key": ref_key(ref), "issued": issued,
                     "issuer": "Chính phủ" if code == "NĐ-CP" else "Bộ Giáo dục và Đào tạo",
                     "title": f"Văn bản thử số {i}", "status": rng.choice(_STATUS), "source": "benchmark"})
        generated.append((doc_type, ref, issued))
    with session() as db:
        for start in range(0, len(rows), 10_000):
            db.execute(insert(RegistryEntry), rows[start : start + 10_000])
    build = time.perf_counter() - t0

    seeded = [("Nghị định", "30/2020/NĐ-CP", dt.date(2020, 3, 5)), ("Chỉ thị", "05-CT/TW", dt.date(2016, 5, 15))]
    unknown = [("Kế hoạch", f"{900 + k}/KH-PGDĐT", dt.date(2022, 3, 1)) for k in range(5)]
    picks = rng.sample(generated, args.citations - len(seeded) - len(unknown)) + seeded + unknown
    refs = [{"text": f"{t} số {r}", "doc_type": t, "ref": r, "date": d.isoformat(), "issuer": None, "role": "basis",
             "number": None, "year": None, "symbol": None, "title": None, "start": 0, "end": 0} for t, r, d in picks]
    data = {"header": {"date": "2023-06-01"}, "references": refs, "text": ""}
    with session() as db:
        check_extraction(data, db)  # warm-up: connection and caches
        rounds = 5
        t0 = time.perf_counter()
        for _ in range(rounds):
            check_extraction(data, db)
        secs = (time.perf_counter() - t0) / rounds
    statuses: dict[str, int] = {}
    for ref in data["references"]:
        statuses[ref["check"]["status"]] = statuses.get(ref["check"]["status"], 0) + 1
    print(f"registry: {args.entries:,} generated + seed entries (built in {build:.1f} s)")
    print(f"check of one document with {len(refs)} citations: {secs * 1000:.1f} ms "
          f"({secs * 1000 / len(refs):.2f} ms per citation); statuses {statuses}")


if __name__ == "__main__":
    main()
