"""Patterns of the header and signature blocks (Nghị định 30/2020/NĐ-CP, Điều 8), as data.

All regexes run over ``nlp.normalize.fold(text)`` (diacritics stripped, same
length), so OCR output that lost its tone marks still matches.
"""

from __future__ import annotations

# "VIỆT NAM" may wrap onto its own line; that line alone is matched by QUOC_HIEU_TAIL.
QUOC_HIEU = r"C\s*O\s*N\s*G\s+H\s*O\s*A\s+X\s*A\s+H\s*O\s*I\s+C\s*H\s*U\s+N\s*G\s*H\s*I\s*A(?:\s+V\s*I\s*E\s*T\s+N\s*A\s*M)?"
QUOC_HIEU_TAIL = r"^\s*VIET\s+NAM\s*$"
TIEU_NGU = r"Doc\s*l[aâ]p\s*[-–—.,]?\s*T[uư]\s*do\s*[-–—.,]?\s*H[aạ]nh\s*ph[uú]c"
DECORATION = r"^[\s\-–—_=*.]{3,}$"

# "Số: 217/KH-PGDĐT", "Số 05-CT/TW", "Số: 249/2025/NĐ-CP", "Số:    /CT-UBND" (number written by hand)
SO_LINE = (
    r"(?:^|\s)S[o0ô6eé]\s*[:;.,]?\s*"
    r"(?P<number>\d{1,5}[a-zA-Z]?)?\s*(?P<sep>[/-])?\s*"
    r"(?:(?P<year>(?:19|20)\d{2})\s*/\s*)?"
    r"(?P<symbol>[A-Z][A-Za-z0-9&]*(?:\s*[-/]\s*[A-Z0-9][A-Za-z0-9&]*){0,4})"
)

# "Điện Biên Phủ, ngày 05 tháng 3 năm 2022"; day may be blank (handwritten).
PLACE_DATE = (
    r"(?P<place>(?:(?:TP|Tp)\.\s*)?[A-Z][\w.]*(?:[ ][A-Z][\w.]*){0,4})\s*[,.]\s*"
    r"ng[aà]y\s*(?P<day>\d{1,2})?[\s.…_]*th[aá]ng\s*(?P<month>\d{1,2})?[\s.…_]*n[aă]m\s*(?P<year>(?:19|20)\d{2})"
)

URGENCY = {"HOA TOC": "Hỏa tốc", "THUONG KHAN": "Thượng khẩn", "KHAN": "Khẩn"}

# Words that open the body after the trích yếu.
BODY_OPENERS = ("Can cu", "Kinh gui", "Thuc hien", "Tiep theo", "Trong ", "Theo ", "Nham ", "De ")

AUTHORITY = r"\b(?P<mark>KT|TM|TL|TUQ|Q)\s*[./]\s*"

# Signer titles (folded, upper case), longest first when used.
SIGNER_TITLES: tuple[str, ...] = (
    "PHO THU TUONG", "THU TUONG", "PHO CHU TICH", "CHU TICH", "BO TRUONG", "THU TRUONG",
    "PHO GIAM DOC", "GIAM DOC", "PHO TRUONG PHONG", "TRUONG PHONG", "PHO HIEU TRUONG", "HIEU TRUONG",
    "PHO CHANH VAN PHONG", "CHANH VAN PHONG", "VU TRUONG", "PHO VU TRUONG", "CUC TRUONG", "PHO CUC TRUONG",
    "TONG CUC TRUONG", "PHO TONG CUC TRUONG", "CHANH THANH TRA", "PHO CHANH THANH TRA",
    "BI THU", "PHO BI THU", "TRUONG BAN", "PHO TRUONG BAN", "TONG GIAM DOC", "PHO TONG GIAM DOC",
    "GIAM DOC SO", "CHU NHIEM", "PHO CHU NHIEM", "TRUONG DOAN", "TO TRUONG",
)
