"""Symbol-form rules as data (shared/domain/FORMATS.md, sections A.3, A.5, B.2, B.3, C.2).

``nlp.symbols`` reads these tables; nothing here is code.
"""

from __future__ import annotations

from nlp.patterns.doctypes import DOC_TYPES

# Administrative type codes of Nghị định 30/2020/NĐ-CP, Phụ lục III (Công văn and Thư công have none).
ADMIN_CODES: dict[str, str] = {
    name: code
    for name, code in list(DOC_TYPES.items())[:29]
    if code is not None
}

# Administrative codes that never carry a year: only legal-normative documents do
# (NQ, QĐ and CT may be VBQPPL: "35/2019/QĐ-UBND", "72/2002/QĐ-TTg").
NO_YEAR_CODES: frozenset[str] = frozenset(c.upper() for c in ADMIN_CODES.values()) - {"NQ", "QĐ", "CT"} | {"VBHN"}

# Party type codes (FORMATS.md B.3): Quyết định and Quy định are both QĐ; Công văn is CV.
PARTY_CODES: dict[str, tuple[str, ...]] = {
    "Nghị quyết": ("NQ",),
    "Quyết định": ("QĐ",),
    "Quy định": ("QĐ",),
    "Quy định (Đảng)": ("QĐ",),
    "Chỉ thị": ("CT",),
    "Kết luận": ("KL",),
    "Hướng dẫn": ("HD",),
    "Quy chế": ("QC",),
    "Thông báo": ("TB",),
    "Báo cáo": ("BC",),
    "Kế hoạch": ("KH",),
    "Chương trình": ("CTr",),
    "Tờ trình": ("TTr",),
    "Công văn": ("CV",),
    "Biên bản": ("BB",),
    "Đề án": ("ĐA",),
    "Phương án": ("PA",),
    "Thông tri": ("TT",),
}

# Issuer codes that mark a Party document (FORMATS.md B.2): "05-CT/TW", "03-BC/CB".
PARTY_ORGS: frozenset[str] = frozenset({"TW", "VPTW", "TU", "HU", "QU", "ĐU", "CB", "ĐĐ", "BTGTW", "BTCTW", "UBKTTW", "BDVTW", "BKTTW"})

# Legal-normative documents: the first group of the symbol after the year.
LEGAL_CODES: dict[str, tuple[str, ...]] = {
    "Nghị định": ("NĐ",),
    "Thông tư": ("TT",),
    "Thông tư liên tịch": ("TTLT",),
    "Quyết định": ("QĐ",),
    "Nghị quyết": ("NQ", "NQLT"),
    "Chỉ thị": ("CT",),
    "Pháp lệnh": ("PL", "UBTVQH"),
    "Luật": ("QH",),
    "Bộ luật": ("QH",),
    "Hiến pháp": ("QH",),
    "Lệnh": ("L",),
}

# Codes written as type abbreviations that are not in any table: value = what to write instead
# (None: the type has no abbreviation). FORMATS.md A.3 [CONFLICT] list.
INVENTED_CODES: dict[str, str | None] = {
    "CV": None,  # công văn (administrative) has no type code; Party công văn is "N-CV/ORG"
    "TCG": None,  # thư công has no type code
    "QCH": "QC",
    "DAN": "DA",
    "NP": "GNP",
    "GN": None,
    "TTH": None,
}

# Type names that a code stands for, for messages ("QyĐ" -> "Quy định").
CODE_NAMES: dict[str, str] = {
    **{code.upper(): name for name, code in ADMIN_CODES.items()},
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "PL": "Pháp lệnh",
    "KL": "Kết luận",
    "QĐ": "Quyết định",
}

# Every code that, as the first group of a symbol, names a document type.
TYPE_CODES: frozenset[str] = frozenset(CODE_NAMES) | {"NQLT"}

# Separators that are never right inside a symbol (only "/" and "-" are).
BAD_SEPARATORS = "_\\.|–—"

# Types cited by name only in Căn cứ (FORMATS.md A.7): "Căn cứ Luật Giáo dục ngày 14 tháng 6 năm 2019;".
NAME_ONLY_TYPES: frozenset[str] = frozenset({"Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"})
