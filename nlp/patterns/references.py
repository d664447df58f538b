"""Vocabularies and regular expressions for citations of other documents.

Data only: ``nlp.references`` applies them. Words are written here in their
*folded* form (lower case, no diacritics, ``đ`` -> ``d``) because the matcher
runs them over a folded shadow of the text, which makes them tolerant of OCR
that drops tone marks (``Nghi dinh so``) without a second set of patterns.
Symbol patterns run over the original text: symbols are upper-case codes.

Sources: ``shared/domain/FORMATS.md`` (NĐ 30/2020 Phụ lục III codes, Party
codes of HD 36/05-HD/VPTW, VBQPPL symbol forms) and the corpus README (role and
issuer conventions).
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------
# Document types: display name -> folded spellings that introduce a citation.
# Longest spellings are tried first (``thong tu lien tich`` before ``thong tu``).
# --------------------------------------------------------------------------
DOC_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "Nghị quyết liên tịch": ("nghi quyet lien tich",),
    "Thông tư liên tịch": ("thong tu lien tich",),
    "Văn bản hợp nhất": ("van ban hop nhat",),
    "Nghị quyết": ("nghi quyet",),
    "Nghị định": ("nghi dinh",),
    "Thông tư": ("thong tu",),
    "Quyết định": ("quyet dinh",),
    "Chỉ thị": ("chi thi",),
    "Thông tri": ("thong tri",),
    "Kết luận": ("ket luan",),
    "Quy chế": ("quy che",),
    "Quy định": ("quy dinh",),
    "Thông cáo": ("thong cao",),
    "Thông báo": ("thong bao",),
    "Hướng dẫn": ("huong dan",),
    "Chương trình": ("chuong trinh",),
    "Kế hoạch": ("ke hoach",),
    "Phương án": ("phuong an",),
    "Đề án": ("de an",),
    "Dự án": ("du an",),
    "Báo cáo": ("bao cao",),
    "Biên bản": ("bien ban",),
    "Tờ trình": ("to trinh",),
    "Hợp đồng": ("hop dong",),
    "Công văn": ("cong van",),
    "Công điện": ("cong dien",),
    "Giấy mời": ("giay moi",),
    "Sắc lệnh": ("sac lenh",),
    "Lệnh": ("lenh",),
    "Văn bản": ("van ban",),
    # laws: named, carry no type code in their symbol
    "Hiến pháp": ("hien phap",),
    "Bộ luật": ("bo luat",),
    "Luật": ("luat",),
    "Pháp lệnh": ("phap lenh",),
}

# Types whose citations name the text itself ("Luật Giáo dục số 43/2019/QH14",
# "Luật Đầu tư công ngày 13/6/2019"): the name stands between type and number.
LAW_TYPES: frozenset[str] = frozenset({"Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh"})

# A generic word ("văn bản số 12/UBND-VP") takes its type from the symbol code.
GENERIC_TYPES: frozenset[str] = frozenset({"Văn bản"})

# Type code inside a symbol -> type name, to type a citation written without
# a type word ("theo 98/2023/NĐ-CP") or with a generic one. Keys are folded
# upper-case (``NĐ`` -> ``ND``) so OCR without diacritics maps too.
CODE_TYPES: dict[str, str] = {
    "ND": "Nghị định",
    "TTLT": "Thông tư liên tịch",
    "TT": "Thông tư",
    "QD": "Quyết định",
    "NQ": "Nghị quyết",
    "NQLT": "Nghị quyết liên tịch",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "KH": "Kế hoạch",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "TTR": "Tờ trình",
    "CD": "Công điện",
    "QC": "Quy chế",
    "QYD": "Quy định",
    "CTR": "Chương trình",
    "DA": "Đề án",
    "PA": "Phương án",
    "BB": "Biên bản",
    "TC": "Thông cáo",
    "GM": "Giấy mời",
    "CV": "Công văn",
    "PL": "Pháp lệnh",
    "L": "Lệnh",
    "VBHN": "Văn bản hợp nhất",
}
# Laws carry ``QH13``/``QH14``... and Pháp lệnh ``UBTVQH11`` as their whole code.
LAW_CODE = re.compile(r"^(?:QH|UBTVQH)\d{0,2}$")
# An administrative symbol whose first group is no type code is a công văn.
DEFAULT_TYPE = "Công văn"

# --------------------------------------------------------------------------
# Symbols (run over the original text).
# --------------------------------------------------------------------------
_GROUP = r"[A-ZĐÐ][A-Za-zĐđÐ&]{0,11}\d{0,2}(?!\w)"
_HYPHEN = r"\s{0,3}[-–]\s{0,3}"
_SLASH = r"\s{0,3}/\s{0,3}"
_NUM = r"(?<![\w/.,-])(?P<num>\d{1,5}(?:\.\d{1,3})?)"

# One alternation, tried in this order at each number:
#   legal-normative  98/2023/NĐ-CP, 09/2016/TTLT-BGDĐT-BTC, 43/2019/QH14
#   Party            05-CT/TW, 1594-TB/TU
#   administrative   217/KH-SGDĐT, 5710/UBND-SGDĐT, 18/NQ-TW, 157/QĐ-NĐ-UB
#   old / short      118/TTg, 88/CP (only accepted after a type word)
SYMBOL = re.compile(
    _NUM
    + r"(?:"
    + rf"{_SLASH}(?P<year>(?:19|20)\d\d){_SLASH}(?P<lcode>{_GROUP}(?:{_HYPHEN}{_GROUP})*)"
    + rf"|{_HYPHEN}(?P<ptype>[A-ZĐÐ][A-Za-zĐđÐ]{{0,3}}){_SLASH}(?P<porg>{_GROUP})"
    + rf"|{_SLASH}(?P<acode>{_GROUP}(?:{_HYPHEN}{_GROUP})+)"
    + rf"|{_SLASH}(?P<scode>{_GROUP})"
    + r")"
)

# --------------------------------------------------------------------------
# Folded vocabulary (run over the folded text).
# --------------------------------------------------------------------------
SO = r"(?:so|s0)"  # "số"; OCR sometimes reads the o as a zero

# A date as cited: "ngày 28/01/2022", "ngày 05 tháng 3 năm 2020", "28-01-2022".
DATE = (
    r"(?:(?P<d1>\d{1,2})\s{0,2}[/.-]\s{0,2}(?P<m1>\d{1,2})\s{0,2}[/.-]\s{0,2}(?P<y1>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})\s*,?\s+nam\s+(?P<y2>(?:19|20)\d\d))(?!\d)"
)
# After a symbol or an issuer: ", ngày 28/01/2022", " ban hành ngày ...".
DATE_AFTER = re.compile(r"\s*,?\s*(?:(?:ban hanh|ky|thong qua)\s+)?(?:ngay\s*)?" + DATE)
# The issuer clause: ", của ".
OF = re.compile(r"\s*,?\s*cua\s+")

# Words that end an issuer ("của UBND tỉnh | về việc ..."): the subject, a verb
# of the title, a relative clause, or the next citation.
ISSUER_STOP_WORDS: tuple[str, ...] = (
    "về", "v/v", "ban hành", "hướng dẫn", "quy định", "phê duyệt", "sửa đổi", "bổ sung",
    "tại", "đã", "được", "theo", "ngày", "trong", "nhằm", "cho", "để", "gửi", "kể từ",
    "liên quan", "mà", "này", "do", "có hiệu lực", "thì", "về việc", "triển khai", "thực hiện",
    # the same words as OCR without tone marks prints them
    "ve", "ban hanh", "huong dan", "quy dinh", "phe duyet", "sua doi", "bo sung", "tai",
    "duoc", "ngay", "nham", "gui", "ke tu", "lien quan", "co hieu luc", "ve viec", "trien khai",
    "thuc hien", "tổng hợp", "chỉ đạo", "yêu cầu", "đề nghị", "giao", "công bố", "báo cáo",
)
# A comma inside an issuer, before a second office of the same person:
# "của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ".
ISSUER_COMMA_OFFICE = re.compile(
    r",\s*(?:Chủ nhiệm|Thủ trưởng|Chủ tịch|Trưởng ban|Giám đốc|Bộ trưởng|Tổng cục trưởng|Cục trưởng|Viện trưởng|Chánh án)\b"
)
# Title starts: "về việc X", "về X", "V/v X", or a verb that opens the subject.
TITLE_LEAD = re.compile(r"\s*,?\s*(?:(?:ve viec|ve|v/v)\s+|(?=(?:ban hanh|huong dan|quy dinh|phe duyet|sua doi|thanh lap|giao|phan bo)\b))")
QUOTE_OPEN = "\"“«'‘"
QUOTE_CLOSE = {"\"": "\"", "“": "”", "«": "»", "'": "'", "‘": "’"}
# "của X tại <citation>" names the issuer before the citation.
ISSUER_BEFORE = re.compile(r"cua\s+(?P<org>[^;:.\n]{2,90}?)\s+tai\s+(?:cac\s+)?$")

# Clause words that make the citations of their clause the document's basis,
# and words that open a clause citing something else (a proposal, a reply).
BASIS_WORDS: tuple[str, ...] = ("can cu", "thuc hien", "tiep theo")
# In a list item "- Thực hiện" is the task's verb ("- Thực hiện theo dõi việc ..."):
# it opens a basis clause there only before what it carries out (a type word or these).
ITEM_BASIS_OBJECTS: tuple[str, ...] = ("y kien", "chi dao", "ket luan")
MENTION_WORDS: tuple[str, ...] = ("theo de nghi", "xet de nghi", "tra loi", "theo", "xet")
# A clause after ";" that opens with an instruction is the document's own
# decision, no longer its basis: "...; giao Sở Nông nghiệp rà soát ...".
INSTRUCTION_WORDS: tuple[str, ...] = (
    "giao", "yeu cau", "de nghi", "chi dao", "phan cong", "uy quyen", "dong y", "thong nhat",
    "chap thuan", "cho phep", "dieu chinh", "bai bo", "huy bo", "quyet dinh",
)
# "căn cứ (vào|theo)" right before a citation makes it basis wherever it stands.
BASIS_RIGHT_BEFORE = re.compile(r"can cu\s+(?:vao\s+|theo\s+)?(?:cac\s+)?$")

# How far back a capitalised type word may type an old short symbol after "số".
TYPE_EARLIER_SPAN = 90

# List markers that may open a paragraph before its clause word.
LIST_MARKER = re.compile(r"[\s\-+•*–]*(?:(?:\d+(?:\.\d+)*|[a-zđ]|[ivxlc]+)\s*[.)/]\s+)?[\s\-+•*–]*")

# Connectors between items of a coordinated list of citations.
LIST_GAP = re.compile(r"^[\s,;:]*(?:(?:va|hoac|cung)\s+)?(?:cac\s+)?$")

# "Số:" of the document's own header (not a citation); OCR may put a stray
# mark before a handwritten number ("Số: #14 /UBND-SGDĐT") or drop the colon.
OWN_NUMBER = re.compile(r"so\s*:\s*[^\w\s]{0,2}\s*$")
# The same line opening the text line: "Số 14/UBND-VX" with no type word before it.
OWN_NUMBER_LINE = re.compile(r"^\s*(?:so|s0)\s*[:.]?\s*[^\w\s]{0,2}\s*$")
# The caption of an appendix names its own document: "(Kèm theo Công văn số 5710/UBND-SGDĐT ...)".
APPENDIX_CAPTION = re.compile(r"^\s*\(\s*(?:ban hanh\s+)?kem theo\s+")

# A year after a law's name: "Luật NSNN 2015", "Luật Đất đai năm 2013".
LAW_YEAR = re.compile(r"\s+(?:nam\s+)?(?P<y>(?:19|20)\d\d)(?![\d/])")
# What may stand inside a law's name (no digits, no clause punctuation).
LAW_NAME_WORD = r"[^\s\d;:.()\"“”]+"
LAW_NAME_MAX_WORDS = 22

# A line that starts like this begins a new paragraph even in hard-wrapped
# text: a list marker, a clause word, an article heading.
LINE_START_HARD = re.compile(
    r"(?:[-+•*–]|\d+(?:\.\d+)*\s*[.)]|[a-zđ]\s*[)/]|[ivxlc]+\.\s|dieu\s+\d|chuong\s|muc\s+\d|noi nhan|kinh gui|so\s*:)"
)

# Words a title ends on when an amendment chain or list follows it.
TITLE_CHAIN_TAIL = re.compile(
    r"[\s,(]*(?:(?:da\s+)?(?:duoc\s+)?(?:sua doi|bo sung|thay the|dinh chinh|bai bo)\b[^;]*"
    r"|\s(?:va|hoac|tai|theo|cua|boi|cac))\s*$"
)
# A date that ends a law's title: "... ngày 12 tháng 11 năm 2021" at the end.
DATE_CLOSING = re.compile(r"ngay\s+" + DATE + r"[\s;.,]*$")

# The document's own subject (trích yếu): "V/v ..." (công văn) or a "Về việc ..."
# line before the body starts. Citations there describe the document itself.
OWN_SUBJECT = re.compile(r"(?:^|(?<=\n)|(?<=\s))v/[vw]\s[^\n]*|(?:^|(?<=\n))ve viec\s[^\n]*")
BODY_START = re.compile(r"(?:^|\n)\s*(?:can cu|kinh gui|thuc hien|theo de nghi|xet de nghi)", re.M)
