"""Build the Word, ZIP and OLE2 files the reader tests need, from code.

Documents are made with python-docx; what it cannot write (list definitions,
text boxes, Word's recorded page breaks) is added as raw WordprocessingML.
Legacy formats come from the test's own DOCX through LibreOffice.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table
from docx.text.paragraph import Paragraph

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"

ISSUER = ["UBND HUYỆN MƯỜNG ẢNG", "PHÒNG NỘI VỤ", "Số: 15/KH-PNV"]
NATIONAL = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Mường Ảng, ngày 02 tháng 4 năm 2024"]
RECIPIENTS = ["Nơi nhận:", "- UBND huyện (b/c);", "- Lưu: VT."]
SIGNER = ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Nguyễn Văn An"]
RUNNING_HEADER = "Kế hoạch số 15/KH-PNV — bản lưu hành nội bộ"
RUNNING_FOOTER = "Phòng Nội vụ huyện Mường Ảng"


# ------------------------------------------------------------------ documents


def new_document() -> Document:
    return docx.Document()


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def two_column_table(document: Document, left: list[str], right: list[str], *, style: str | None = None) -> Table:
    """A table with one column per list, one line per row (the official header layout)."""
    rows = max(len(left), len(right))
    table = document.add_table(rows=rows, cols=2, style=style)
    for r in range(rows):
        table.cell(r, 0).text = left[r] if r < len(left) else ""
        table.cell(r, 1).text = right[r] if r < len(right) else ""
    return table


def one_row_block(document: Document, left: list[str], right: list[str]) -> Table:
    """One row, two cells with several paragraphs each (the Nơi nhận | signer block)."""
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    return table


def data_table(document: Document, rows: list[list[str]], *, style: str | None = "Table Grid") -> Table:
    table = document.add_table(rows=len(rows), cols=len(rows[0]), style=style)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    return table


def set_running_text(document: Document, header: str, footer: str) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer


def add_list(document: Document, levels: list[tuple[str, str]], *, start: int = 1,
             legal_level: int | None = None) -> str:
    """Define a multi-level list (numFmt, lvlText per level) and return its numId."""
    numbering = document.part.numbering_part.element
    abstract_id = 1 + max((int(a.get(qn("w:abstractNumId"))) for a in numbering.iterchildren(qn("w:abstractNum"))),
                          default=0)
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        + ('<w:isLgl/>' if legal_level == i else "")
        + f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return add_num(document, str(abstract_id))


def add_num(document: Document, abstract_id: str, *, restart_at: int | None = None) -> str:
    """A list instance of an abstract list; ``restart_at`` adds a startOverride on level 0."""
    numbering = document.part.numbering_part.element
    num_id = 1 + max((int(n.get(qn("w:numId"))) for n in numbering.iterchildren(qn("w:num"))), default=0)
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
                if restart_at is not None else "")
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'))
    return str(num_id)


def abstract_of(document: Document, num_id: str) -> str:
    numbering = document.part.numbering_part.element
    for num in numbering.iterchildren(qn("w:num")):
        if num.get(qn("w:numId")) == num_id:
            return num.find(qn("w:abstractNumId")).get(qn("w:val"))
    raise KeyError(num_id)


def numbered(document: Document, text: str, num_id: str, ilvl: int = 0) -> Paragraph:
    paragraph = document.add_paragraph(text)
    set_numbering(paragraph, num_id, ilvl)
    return paragraph


def set_numbering(paragraph: Paragraph, num_id: str, ilvl: int = 0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def add_rendered_break(paragraph: Paragraph, *, after_text: str) -> None:
    """Append a run holding Word's recorded page turn, then more text in the same paragraph."""
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:lastRenderedPageBreak/><w:t xml:space="preserve">{after_text}</w:t></w:r>'))


def add_text_box(paragraph: Paragraph, text: str) -> None:
    """A text box written as Word does: a modern copy and a VML fallback copy of the same text."""
    box = f'<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>'
    xml = (
        f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        f'<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing>'
        f'</mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'
    )
    paragraph._p.append(parse_xml(xml))


def add_run_xml(paragraph: Paragraph, inner: str) -> None:
    """Append raw run-level XML (``w:del``, ``w:ins``, hidden runs) to a paragraph."""
    paragraph._p.append(parse_xml(f'<w:wrap {nsdecls("w")}>{inner}</w:wrap>')[0])


def plan_document() -> Document:
    """A small Kế hoạch laid out as Nghị định 30/2020 asks, exercising every feature the reader knows."""
    document = new_document()
    set_running_text(document, RUNNING_HEADER, RUNNING_FOOTER)
    two_column_table(document, ISSUER, NATIONAL)
    document.add_paragraph("KẾ HOẠCH")
    document.add_heading("Triển khai công tác văn thư năm 2024", level=1)
    outline = add_list(document, [("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)")])
    numbered(document, "MỤC ĐÍCH, YÊU CẦU", outline, 0)
    numbered(document, "Mục đích", outline, 1)
    numbered(document, "Yêu cầu", outline, 1)
    numbered(document, "NHIỆM VỤ", outline, 0)
    numbered(document, "Rà soát hồ sơ", outline, 1)
    numbered(document, "hồ sơ năm 2023", outline, 2)
    numbered(document, "hồ sơ năm 2024", outline, 2)
    tasks = data_table(document, [
        ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"],
        ["1", "Lập danh mục hồ sơ", "Văn thư", "Quý II"],
        ["2", "Chỉnh lý tài liệu", "Văn thư", "Quý III"],
        ["", "", "", ""],
    ])
    tasks.cell(3, 0).merge(tasks.cell(3, 3)).text = "Tổng cộng: 02 nhiệm vụ"
    tasks.cell(1, 2).merge(tasks.cell(2, 2)).text = "Văn thư"
    last = document.add_paragraph("Nơi lưu trữ:")
    last.add_run().add_break()
    last.add_run("kho lưu trữ cơ quan")
    one_row_block(document, RECIPIENTS, SIGNER)
    return document


# ------------------------------------------------------------------ containers


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buffer.getvalue()


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """A copy of a ZIP with members replaced (bytes) or removed (None)."""
    members = zip_members(data)
    for name, payload in changes.items():
        if payload is None:
            members.pop(name, None)
        else:
            members[name] = payload
    return zip_bytes(members)


def lying_zip(name: str, payload: bytes, declared: int) -> bytes:
    """A ZIP whose headers claim ``declared`` bytes for a member that really unpacks to more."""
    data = bytearray(zip_bytes({name: payload}))
    real = len(payload).to_bytes(4, "little")
    fake = declared.to_bytes(4, "little")
    # Uncompressed size sits at offset 22 of the local header and 24 of the central entry.
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    assert data[local + 22: local + 26] == real and data[central + 24: central + 28] == real
    data[local + 22: local + 26] = fake
    data[central + 24: central + 28] = fake
    return bytes(data)


def rename_ole_stream(data: bytes, old: str, new: str) -> bytes:
    """An OLE2 file whose directory entry ``old`` is renamed ``new`` (same or shorter name)."""
    out = bytearray(data)
    encoded_old = old.encode("utf-16-le") + b"\x00\x00"
    at = out.find(encoded_old)
    assert at >= 0 and len(new) <= len(old)
    field = (new.encode("utf-16-le") + b"\x00\x00").ljust(64, b"\x00")
    out[at: at + 64] = field
    out[at + 64: at + 66] = (2 * (len(new) + 1)).to_bytes(2, "little")
    return bytes(out)


# ------------------------------------------------------------------ LibreOffice


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


def convert(docx_bytes: bytes, target: str) -> bytes:
    """Convert a DOCX with LibreOffice (test-side helper, independent of the reader under test)."""
    with tempfile.TemporaryDirectory(prefix="vanthu-test-lo-") as tmp:
        work = Path(tmp)
        (work / "doc.docx").write_bytes(docx_bytes)
        subprocess.run(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation={(work / 'profile').as_uri()}",
             "--convert-to", target, "--outdir", str(work), str(work / "doc.docx")],
            check=True, capture_output=True, timeout=180,
        )
        extension = target.split(":")[0]
        return (work / f"doc.{extension}").read_bytes()


def add_section(document: Document, *, continuous: bool = False) -> None:
    document.add_section(WD_SECTION.CONTINUOUS if continuous else WD_SECTION.NEW_PAGE)


def docx_text(data: bytes) -> str:
    """Every paragraph's text, then every table cell's, of a .docx (what a reader would see)."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)
