"""Throughput of the nlp stage on the corpus texts, per component and whole (one core).

    .venv/bin/python eval/nlp_speed.py [PRED_DIR]

Reads the ``text`` of every extraction JSON in PRED_DIR (default ``var/eval``,
written by eval/score_corpus.py), so reading and OCR are not timed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from nlp.dates import get_dates
    from nlp.extract import extract
    from nlp.header import get_header
    from nlp.recipients import get_recipients
    from nlp.references import get_references
    from nlp.sections import get_sections
    from nlp.tasks import get_tasks

    pred = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "eval"
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(pred.glob("*.json"))]
    size = sum(len(t.encode("utf-8")) for t in texts)
    steps = {
        "header": get_header, "sections": get_sections, "references": get_references, "dates": get_dates,
        "tasks": lambda t: get_tasks(t, []), "recipients": get_recipients, "pipeline (all)": extract,
    }
    extract(texts[0])  # build the pipeline once
    print(f"{len(texts)} texts, {size / 1024:.0f} KB")
    for name, fn in steps.items():
        rounds = 3
        t0 = time.process_time()
        for _ in range(rounds):
            for text in texts:
                fn(text)
        secs = (time.process_time() - t0) / rounds
        print(f"{name:<16} {size / 1024 / secs:>9.0f} KB/s")


if __name__ == "__main__":
    main()
