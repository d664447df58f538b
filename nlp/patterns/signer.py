"""Vocabularies of the signer block and the Nơi nhận list (Nghị định 30/2020/NĐ-CP, Điều 8 and Phụ lục I), as data.

Copied and extended from ``nlp.patterns.header``; matching runs over
``nlp.normalize.fold`` text (diacritics stripped, same length), and the
canonical spelling below is what a recognised title is written as.
"""

from __future__ import annotations

# "KT.", "TM.", "TL.", "TUQ.", "Q." (folded, upper case); old typewritten letters write "T/M", "K/T",
# and OCR drops the dot ("KT CHỦ TỊCH"). "Q" alone needs its dot.
AUTHORITY = (
    r"(?P<mark>K\s?/\s?T|T\s?/\s?M|T\s?/\s?L|TUQ|KT|TM|TL)(?:\s*[./:,]\s*|\s+)(?=[A-Z])"
    r"|(?P<q>Q)\s*\.\s*(?=[A-Z])"
)

# Signer titles (chức vụ) in their canonical spelling. A title line may go on with
# the unit ("VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH", "GIÁM ĐỐC SỞ Y TẾ"); the unit is kept as read.
SIGNER_TITLES: tuple[str, ...] = (
    "PHÓ THỦ TƯỚNG", "THỦ TƯỚNG", "PHÓ CHỦ TỊCH", "CHỦ TỊCH", "BỘ TRƯỞNG", "THỨ TRƯỞNG",
    "PHÓ GIÁM ĐỐC", "GIÁM ĐỐC", "PHÓ TRƯỞNG PHÒNG", "TRƯỞNG PHÒNG", "PHÓ HIỆU TRƯỞNG", "HIỆU TRƯỞNG",
    "PHÓ CHÁNH VĂN PHÒNG", "CHÁNH VĂN PHÒNG", "VỤ TRƯỞNG", "PHÓ VỤ TRƯỞNG", "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG",
    "TỔNG CỤC TRƯỞNG", "PHÓ TỔNG CỤC TRƯỞNG", "CHI CỤC TRƯỞNG", "PHÓ CHI CỤC TRƯỞNG",
    "CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA", "BÍ THƯ", "PHÓ BÍ THƯ", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
    "TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "TRƯỞNG ĐOÀN", "PHÓ TRƯỞNG ĐOÀN",
    "TỔ TRƯỞNG", "TỔ PHÓ", "VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG", "CHÁNH ÁN", "PHÓ CHÁNH ÁN",
    "TRƯỞNG KHOA", "PHÓ TRƯỞNG KHOA", "TỔNG BIÊN TẬP", "PHÓ TỔNG BIÊN TẬP", "KẾ TOÁN TRƯỞNG",
    "GIÁM ĐỐC ĐIỀU HÀNH", "TRƯỞNG TRẠM", "PHÓ TRƯỞNG TRẠM", "THỦ TRƯỞNG",
)

# How close (difflib ratio over the folded letters) an OCR-damaged title line must be
# to a known title to be read as it; the best title must also beat the runner-up.
TITLE_SIMILARITY = 0.85

# First words (folded) of a line that carries on a title with its unit: "VỤ TRƯỞNG\nVỤ KẾ HOẠCH - TÀI CHÍNH".
UNIT_WORDS = frozenset({
    "VU", "SO", "PHONG", "BAN", "CUC", "VIEN", "TRUNG", "TONG", "HOI", "UY", "UBND", "HDND", "TRUONG",
    "VAN", "THANH", "KHOA", "CHI", "DOAN", "TO", "TRAM", "CONG", "LIEN", "BO", "NGAN", "KHO", "QUY",
})

# Academic prefixes written before a signer's name in education, health and science bodies.
NAME_PREFIX = r"(?:(?:PGS|GS|TS|ThS|Ths|BS|BSCKII|BSCKI|CN|KS|NGƯT|NGND)\s*\.\s*)*"

# Characters OCR makes of stains, strokes and table rules in front of a line.
NOISE_CHARS = "_-–—~|¬:;\"'`´“”‘’.,*•+=^°»«›‹/\\!¡¿?<>[]{}()#@$%&"

# Marks that stand for an item's dash: a real dash, or what OCR reads it as.
ITEM_DASHES = "-–—~•*+"

# Upper-case headings that open an appendix or a template after the signer block, never seal text.
APPENDIX_HEADINGS = ("PHU LUC", "DANH SACH", "DANH MUC", "MAU SO", "BIEU MAU", "BANG ", "QUY CHE", "QUY DINH", "HUONG DAN")
