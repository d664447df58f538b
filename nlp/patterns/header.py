"""Patterns of the header and signature blocks (Nghị định 30/2020/NĐ-CP, Điều 8), as data.

All regexes run over ``nlp.normalize.fold(text)`` (diacritics stripped, same
length), so OCR output that lost its tone marks still matches.
"""

from __future__ import annotations

# "VIỆT NAM" may wrap onto its own line; that line alone is matched by QUOC_HIEU_TAIL.
QUOC_HIEU = r"C\s*O\s*N\s*G\s+H\s*O\s*A\s+X\s*A\s+H\s*O\s*I\s+C\s*H\s*U\s+N\s*G\s*H\s*I\s*A(?:\s+V\s*I\s*E\s*T\s+N\s*A\s*M)?"
QUOC_HIEU_TAIL = r"^\s*VIET\s+NAM\s*$"
# OCR doubles or drops the dashes: "Tự do- -Hạnh phúc".
TIEU_NGU = r"Doc\s*l[aâ]p[\s\-–—.,]*T[uư]\s*do[\s\-–—.,]*H[aạ]nh\s*ph[uú]c"
DECORATION = r"^[\s\-–—_=*.]{3,}$"

# OCR debris a scan leaves at either end of a header line: "- SỞ GIÁO DỤC", "“Điện Biên Phủ", "KẾ HOẠCH -".
LINE_JUNK = r"^[\W_]+|[\W_]+$"

# The header's own "Số:" line, matched at the start of a header line only (never inside the body):
# "Số: 217/KH-PGDĐT", "Số 05-CT/TW", "Số: 249/2025/NĐ-CP", "Số:    /CT-UBND" (number written by hand).
# OCR reads "Số:" as "Sô:", "S6:", "Sé:", "Số :". ``slot`` is whatever stands in the number's place.
SO_LINE = (
    r"^S[o0e6]\s*[:;.,]?\s*(?P<slot>[^/\n]{0,12}?)\s*(?P<sep>[/-])\s*"
    r"(?:(?P<year>(?:19|20)\d{2})\s*/\s*)?"
    r"(?P<symbol>[A-Z][A-Za-z0-9&]*(?:\s*[-/]\s*[A-Z0-9][A-Za-z0-9&]*){0,4})"
)
# What OCR leaves of a "Số:" line it could not read: "_ /KH+ PGDĐT_" (ends the issuer block).
MANGLED_SO_LINE = r"^[\W_\d]{0,6}/\s*[A-Z]{2}"
NUMBER = r"\d{1,5}[a-zA-Z]?"
# Dots, dashes and underscores of a blank left for a number or a day.
BLANK_FILLER = r"[\s._…\-–]*"

# "Điện Biên Phủ, ngày 05 tháng 3 năm 2022"; the day may be blank (handwritten) or OCR debris
# ("ngày JŸtháng", "ngày,83"); "năm" may lose its mark and the year may wrap ("nấm, ¬\n-2022").
PLACE_DATE = (
    r"(?P<place>(?:(?:TP|Tp)\.\s*)?[A-Z][\w.]*(?:[ ][A-Z][\w.]*){0,4})\s*[,.]\s*"
    r"[Nn]gay(?P<day>[^\n]{0,8}?)thang(?P<month>[^\n]{0,6}?)nam[\W_]{0,8}?(?P<year>(?:19|20)\d{2})(?!\d)"
)

# A line where the body starts: nothing after it belongs to the header.
BODY_START = (
    r"^(?:Kinh\s*gui|Can\s*cu|Xet\s|Noi\s*nhan|"
    r"(?:[IVX]{1,4}|\d{1,2})\s*[.)]\s+\S)"
)
BODY_LINE_CHARS = 220  # a line this long is a paragraph of the body, not a header line

# "V/v" opening a công văn's trích yếu; OCR gives "V/V", "V/w", "V/ v".
CONG_VAN = r"\bV\s*/\s*[vw]\b\.?\s*:?\s*"

URGENCY = {"HOA TOC": "Hỏa tốc", "THUONG KHAN": "Thượng khẩn", "KHAN": "Khẩn"}

# Words that open the body after the trích yếu.
BODY_OPENERS = ("Can cu", "Kinh gui", "Thuc hien", "Tiep theo", "Trong ", "Theo ", "Nham ", "De ")

