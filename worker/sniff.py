"""Tell what a file is from its bytes, never from its name.

Clerks rename files, mail clients add ``.pdf`` to anything, and an executable
renamed ``.pdf`` must be refused. ``filetype`` knows the magic numbers of
images, archives and executables; ``olefile`` reads the directory of a legacy
OLE2 container. Containers (ZIP, OLE2) are opened just far enough to tell a
Word file from a spreadsheet, which no magic-number library does; nothing is
decompressed here beyond a capped read of one small manifest.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

import filetype
import olefile

from worker.errors import CorruptFile, EmptyFile, EncryptedFile, NotADocument, ReadError, UnsupportedFormat

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_RTF = b"{\\rtf"
_PDF = b"%PDF-"

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Main-part content types python-docx can read once relabelled as a plain .docx
# (macro-enabled documents and templates hold the same WordprocessingML).
WORD_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_ODF_TEXT = {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template"}
# Folders that mark the other OOXML/ODF members of the office family.
_ZIP_NOT_WORD = {"xl/": "an Excel spreadsheet", "ppt/": "a PowerPoint presentation", "visio/": "a Visio drawing"}
_OLE_NOT_WORD = {"Workbook": "an Excel 97-2003 spreadsheet", "Book": "an Excel 5 spreadsheet",
                 "PowerPoint Document": "a PowerPoint 97-2003 presentation",
                 "__substg1.0_0037001F": "an Outlook message"}
_ARCHIVE_NAME = re.compile(r"\.(zip|rar|7z|gz|tgz|bz2|xz|tar|cab|jar|apk)$", re.IGNORECASE)
_MANIFEST_CAP = 1 << 20  # [Content_Types].xml / mimetype are small; never read more

_IMAGE_TYPES = {"image/jpeg", "image/png", "image/tiff", "image/bmp", "image/webp", "image/gif"}
_EXECUTABLE_EXT = {"exe", "elf", "crx", "deb", "rpm", "swf", "nes"}
_ARCHIVE_EXT = {"zip", "tar", "rar", "gz", "bz2", "7z", "xz", "Z", "lzo", "lz", "lz4", "zst", "cab", "br", "ar"}
# Magic numbers filetype does not cover: Mach-O, Java class, scripts.
_OTHER_PROGRAMS = (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                   b"\xca\xfe\xba\xbe", b"#!")

_WORD_ENCRYPTED_FLAG = 0x0100  # FIB base, fEncrypted (MS-DOC 2.5.2)
_TEXT_SAMPLE = 65536
_PRINTABLE_SHARE = 0.95
_MD_LINE = re.compile(r"^(?:#{1,6}\s|\|.*\|\s*$|\s*\|?\s*:?-{3,}:?\s*\||[*+]\s|>\s|```)")


@dataclass(frozen=True)
class Sniffed:
    kind: str  # docx | doc | odt | rtf | pdf | image | txt | md
    media_type: str


def sniff(data: bytes) -> Sniffed:
    """Classify ``data``; raise a ``ReadError`` for empty, unsupported or hostile content."""
    if not data or not data.strip(b" \t\r\n\x00"):
        raise EmptyFile()
    head = data[:8192]
    if _PDF in head[:1024]:
        return Sniffed("pdf", "application/pdf")
    if head.startswith(_ZIP_MAGICS):
        return _sniff_zip(data)
    if head.startswith(_OLE2):
        return _sniff_ole(data)
    if head.lstrip().startswith(_RTF):
        return Sniffed("rtf", "application/rtf")
    if head.startswith(_OTHER_PROGRAMS):
        raise NotADocument("content is a program or script")
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in _IMAGE_TYPES:
            return Sniffed("image", kind.mime)
        if kind.extension in _EXECUTABLE_EXT:
            raise NotADocument(f"content is a program ({kind.mime})")
        if kind.extension in _ARCHIVE_EXT:
            raise NotADocument(f"content is an archive ({kind.mime})")
        raise UnsupportedFormat(f"content looks like {kind.mime}")
    text = _decode_text(data)
    if text is None:
        raise UnsupportedFormat("binary content of unknown type")
    if _looks_markdown(text):
        return Sniffed("md", "text/markdown")
    return Sniffed("txt", "text/plain")


# ------------------------------------------------------------------ containers


def _sniff_zip(data: bytes) -> Sniffed:
    """Tell DOCX from ODT, XLSX/PPTX and plain (possibly nested) archives."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            content_types = _read_capped(zf, "[Content_Types].xml")
            mimetype = _read_capped(zf, "mimetype").strip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError,
            NotImplementedError) as exc:
        raise CorruptFile(f"broken ZIP container: {exc}") from exc
    if any(t.encode() in content_types for t in WORD_MAIN_TYPES) or any(n.startswith("word/") for n in names):
        return Sniffed("docx", DOCX_MEDIA_TYPE)
    if mimetype:
        kind = mimetype.decode("ascii", "replace")
        if kind in _ODF_TEXT:
            return Sniffed("odt", "application/vnd.oasis.opendocument.text")
        raise UnsupportedFormat(f"ZIP-based {kind}, not a text document")
    for folder, what in _ZIP_NOT_WORD.items():
        if any(n.startswith(folder) for n in names):
            raise UnsupportedFormat(f"content is {what}")
    if any(_ARCHIVE_NAME.search(n) for n in names):
        raise NotADocument("ZIP archive that holds other archives (nested ZIP)")
    raise NotADocument("ZIP archive, not a Word or OpenDocument text")


def _read_capped(zf: zipfile.ZipFile, name: str) -> bytes:
    """Read a small manifest member, at most ``_MANIFEST_CAP`` bytes whatever its header claims."""
    try:
        with zf.open(name) as fh:
            return fh.read(_MANIFEST_CAP)
    except KeyError:
        return b""


def _sniff_ole(data: bytes) -> Sniffed:
    """Tell a Word 97-2003 file from the other OLE2 formats, and refuse locked ones."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
            if "EncryptedPackage" in streams:
                raise EncryptedFile("password-protected Office file", vi=_LOCKED_VI, en=_LOCKED_EN)
            if "WordDocument" in streams:
                with ole.openstream("WordDocument") as fh:
                    fib = fh.read(12)
                if len(fib) == 12 and struct.unpack_from("<H", fib, 10)[0] & _WORD_ENCRYPTED_FLAG:
                    raise EncryptedFile("password-protected Word 97-2003 file", vi=_LOCKED_VI, en=_LOCKED_EN)
                return Sniffed("doc", "application/msword")
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - olefile may fail in many ways on hostile bytes
        raise CorruptFile(f"broken OLE2 container: {type(exc).__name__}: {exc}"[:300]) from exc
    for stream, what in _OLE_NOT_WORD.items():
        if stream in streams:
            raise UnsupportedFormat(f"content is {what}")
    raise UnsupportedFormat("OLE2 container that is not a Word document")


_LOCKED_VI = "Tệp Word được đặt mật khẩu; hãy gửi bản không khóa."
_LOCKED_EN = "The Word file is password-protected; please upload an unlocked copy."


# ------------------------------------------------------------------ text


def _decode_text(data: bytes) -> str | None:
    """Decode plain text (UTF-8, UTF-16 with or without BOM, Windows-1258); None if binary."""
    encoding = _utf16_encoding(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            return None
        return text.removeprefix("\ufeff") if _mostly_printable(text) else None
    if b"\x00" in data[:_TEXT_SAMPLE]:
        return None
    for codec in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return text if _mostly_printable(text) else None
    return None


def _utf16_encoding(data: bytes) -> str | None:
    """UTF-16 by BOM, or by the zero bytes ASCII leaves in every other position."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[: _TEXT_SAMPLE & ~1]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _mostly_printable(text: str) -> bool:
    sample = text[:_TEXT_SAMPLE]
    printable = sum(ch.isprintable() or ch in "\r\n\t\f" for ch in sample)
    return printable >= _PRINTABLE_SHARE * len(sample)


def decode_text(data: bytes) -> str:
    """Public form of the text decoder for the text reader."""
    text = _decode_text(data)
    if text is None:
        raise UnsupportedFormat("not a text file")
    return text


def _looks_markdown(text: str) -> bool:
    """Two or more Markdown-only lines (headings, pipe tables, fences) make Markdown."""
    lines = text[:20000].splitlines()
    return sum(1 for ln in lines if _MD_LINE.match(ln)) >= 2
