"""Tell what a file is from its bytes, never from its name.

Clerks rename files, mail clients add ``.pdf`` to anything, and an executable
renamed ``.pdf`` must be refused. ``filetype`` knows the magic numbers of
images and executables; containers (ZIP, OLE2) are opened just far enough to
tell a Word file from a spreadsheet, which no magic-number library does.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype

from worker.errors import CorruptFile, EmptyFile, UnsupportedFormat

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
_IMAGE_TYPES = {"image/jpeg", "image/png", "image/tiff", "image/bmp", "image/webp", "image/gif"}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # docx | doc | odt | rtf | pdf | image | txt | md
    media_type: str


def sniff(data: bytes) -> Sniffed:
    """Classify ``data``; raise a ``ReadError`` for empty or unsupported content."""
    if not data or not data.strip(b" \t\r\n\x00"):
        raise EmptyFile()
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return Sniffed("pdf", "application/pdf")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if head.startswith(_OLE2):
        if "WordDocument".encode("utf-16-le") in data[:1_000_000] or b"W\x00o\x00r\x00d" in data[:1_000_000]:
            return Sniffed("doc", "application/msword")
        raise UnsupportedFormat("OLE2 container that is not a Word document")
    if head.lstrip().startswith(b"{\\rtf"):
        return Sniffed("rtf", "application/rtf")
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in _IMAGE_TYPES:
            return Sniffed("image", kind.mime)
        raise UnsupportedFormat(f"content looks like {kind.mime}")
    text = _decode_text(data)
    if text is None:
        raise UnsupportedFormat("binary content of unknown type")
    if _looks_markdown(text):
        return Sniffed("md", "text/markdown")
    return Sniffed("txt", "text/plain")


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return Sniffed("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            if "mimetype" in names and zf.read("mimetype").strip() == _ODT_MIME:
                return Sniffed("odt", _ODT_MIME.decode())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptFile(f"broken ZIP container: {exc}") from exc
    raise UnsupportedFormat("ZIP archive that is not a Word or OpenDocument text")


def _decode_text(data: bytes) -> str | None:
    """Decode plain text (UTF-8, UTF-16 with BOM, or Windows-1258); None if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:65536]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:65536])
    return text if printable >= 0.95 * min(len(text), 65536) else None


def decode_text(data: bytes) -> str:
    """Public form of the text decoder for the text reader."""
    text = _decode_text(data)
    if text is None:
        raise UnsupportedFormat("not a text file")
    return text


def _looks_markdown(text: str) -> bool:
    lines = text[:20000].splitlines()
    marks = sum(
        1
        for ln in lines
        if ln.startswith(("# ", "## ", "### ", "| ", "|-", "* ", "> ")) or ln.strip().startswith("|---")
    )
    return marks >= 2
