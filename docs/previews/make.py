"""Render the first page of each template's example as a PNG for the README.

Run ``python docs/previews/make.py`` after changing a template: each
``templates/NAME.example.json`` is rendered, laid out by LibreOffice as PDF and its first page
rasterised by ``pdftoppm`` (poppler-utils) into ``docs/previews/NAME.png``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from worker.readers.office import convert_to_pdf  # noqa: E402
from worker.render import TEMPLATES_DIR, list_templates, render  # noqa: E402


def main() -> None:
    for name in list_templates():
        context = json.loads((TEMPLATES_DIR / f"{name}.example.json").read_text(encoding="utf-8"))
        pdf = convert_to_pdf(render(name, context))
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "page.pdf"
            source.write_bytes(pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                            str(source), str(HERE / name)], check=True)
        print(HERE / f"{name}.png")


if __name__ == "__main__":
    main()
