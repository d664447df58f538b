"""Document type names and their abbreviations, as data.

Administrative types and codes: Nghị định 30/2020/NĐ-CP Điều 7 and Phụ lục III
(see shared/domain/FORMATS.md). Legal-normative and Party types are added with
the codes their symbols use. Công văn and Thư công have no code.
"""

from __future__ import annotations

# name (normalized capitalisation) -> code (None: the type has no abbreviation)
DOC_TYPES: dict[str, str | None] = {
    # administrative (NĐ 30/2020, Phụ lục III)
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Công văn": None,
    "Thư công": None,
    # legal-normative (Luật Ban hành VBQPPL)
    "Hiến pháp": None,
    "Bộ luật": None,
    "Luật": None,
    "Pháp lệnh": "PL",
    "Nghị định": "NĐ",
    "Thông tư liên tịch": "TTLT",
    "Thông tư": "TT",
    # Party documents
    "Kết luận": "KL",
    "Quy định (Đảng)": "QĐ",
}

# Types whose name stands alone, upper-case, on the line before the trích yếu.
TITLE_TYPES: tuple[str, ...] = tuple(
    sorted((t for t in DOC_TYPES if "(" not in t and t not in {"Công văn", "Thư công"}), key=len, reverse=True)
)
