"""Legacy and other word-processor formats (.doc, .odt, .rtf) through LibreOffice.

No maintained Python library reads Word 97-2003 binaries faithfully (tables,
merges, numbering), so headless LibreOffice converts the file to DOCX and the
DOCX reader does the rest: one code path for structure, whatever the source.

Each conversion gets a private LibreOffice profile in a temporary directory:
two conversions sharing a profile block each other or fail. The converter runs
in its own process group so a timeout kills it and every child it started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from worker.errors import CorruptFile, ReadTimeout, ToolMissing
from worker.readers.base import Limits, Progress, RawDocument
from worker.readers.docx import read_docx, safe_unzip
from worker.sniff import sniff

_BINARIES = ("soffice", "libreoffice")
_DEBIAN_PACKAGE = "libreoffice-writer"
_TARGET = "docx:MS Word 2007 XML"
_EXTENSION = {"doc": ".doc", "odt": ".odt", "rtf": ".rtf"}
_KILL_WAIT = 10  # seconds to reap a killed converter


def read_office(data: bytes, *, progress: Progress, limits: Limits) -> RawDocument:
    """Convert .doc/.odt/.rtf to DOCX with LibreOffice, then read it as Word."""
    kind = sniff(data).kind
    if kind not in _EXTENSION:
        raise CorruptFile(f"not a .doc/.odt/.rtf file: {kind}")
    if kind == "odt":
        safe_unzip(data, limits)  # refuse a zip bomb before LibreOffice expands it
    progress("convert", 0, 1)
    converted = convert_to_docx(data, _EXTENSION[kind], timeout=limits.convert_timeout)
    progress("convert", 1, 1)
    raw = read_docx(converted, progress=progress, limits=limits)
    raw.format = kind  # type: ignore[assignment] - kind is one of the SourceFormat literals
    raw.converted_by = "libreoffice"
    return raw


def soffice_binary() -> str:
    """Path of the LibreOffice executable, or ``ToolMissing`` naming the package to install."""
    for name in _BINARIES:
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissing(
        f"soffice not found; install the Debian package {_DEBIAN_PACKAGE}",
        vi=f"Máy chủ thiếu LibreOffice để đọc tệp .doc/.odt/.rtf (cài gói {_DEBIAN_PACKAGE}).",
        en=f"LibreOffice is needed to read .doc/.odt/.rtf files (install {_DEBIAN_PACKAGE}).",
    )


def convert_to_docx(data: bytes, suffix: str, *, timeout: float) -> bytes:
    """DOCX bytes converted by headless LibreOffice under a private profile and a time limit."""
    return convert(data, suffix, _TARGET, "docx", timeout=timeout)


def convert_to_pdf(data: bytes, *, timeout: float = 120) -> bytes:
    """A DOCX as PDF, laid out by LibreOffice (the drafts' PDF download)."""
    return convert(data, ".docx", "pdf:writer_pdf_Export", "pdf", timeout=timeout)


def convert(data: bytes, suffix: str, target: str, extension: str, *, timeout: float) -> bytes:
    """Convert ``data`` (a file ending in ``suffix``) with ``soffice --convert-to target``."""
    binary = soffice_binary()
    with tempfile.TemporaryDirectory(prefix="vanthu-lo-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        outdir = work / "out"
        outdir.mkdir()
        command = [
            binary, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to", target, "--outdir", str(outdir), str(source),
        ]
        _run(command, timeout=timeout, home=work)
        result = outdir / f"input.{extension}"
        if not result.is_file() or result.stat().st_size == 0:
            raise CorruptFile(f"LibreOffice could not convert the {suffix} file to {extension}")
        return result.read_bytes()


def _run(command: list[str], *, timeout: float, home: Path) -> None:
    """Run the converter in its own process group; kill the whole group on timeout."""
    env = {**os.environ, "HOME": str(home)}  # LibreOffice writes caches under $HOME too
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise ReadTimeout(f"LibreOffice conversion exceeded {timeout} s") from exc
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[-300:]
        raise CorruptFile(f"LibreOffice failed (exit {proc.returncode}): {detail}")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the converter's process group (it forks helpers), then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        proc.communicate(timeout=_KILL_WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
