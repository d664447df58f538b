"""Words that identify task items: table header words, lead/partner cues, deadlines.

Kept as data so a clerk's office with other habits can extend them without
touching the parsing code in ``nlp.tasks``. Header words are matched on the
diacritic-free, lower-case fold of a cell (OCR often loses tone marks).
"""

from __future__ import annotations

# Column roles of a task table, most specific first: "đơn vị phối hợp" must not
# be taken for a lead column because it also contains "đơn vị".
HEADER_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("partners", ("phoi hop",)),
    ("lead", ("chu tri", "don vi thuc hien", "co quan thuc hien", "don vi thuc hien chinh",
              "don vi chiu trach nhiem", "trach nhiem thuc hien", "don vi thuc hien", "nguoi thuc hien",
              "bo phan thuc hien", "don vi", "co quan")),
    ("time", ("thoi gian", "thoi han", "tien do", "thoi diem", "han hoan thanh", "ngay hoan thanh")),
    ("task", ("nhiem vu", "noi dung", "cong viec", "hoat dong", "giai phap", "ten nhiem vu", "de an")),
    ("index", ("stt", "tt", "so tt", "so thu tu")),
)

# Roles a table must have to be read as a task table: a task column plus units.
REQUIRED_ROLES: tuple[str, ...] = ("task",)
UNIT_ROLES: tuple[str, ...] = ("lead", "partners")

# Words that open a unit's name besides the gazetteer heads of ``nlp.patterns.orgs``.
EXTRA_UNIT_HEADS: tuple[str, ...] = (
    "Thành Đoàn", "Tỉnh Đoàn", "Đoàn TNCS", "Đoàn Thanh niên", "Công an", "Bộ Chỉ huy",
    "Hội Khuyến học", "Liên minh", "Ủy ban", "Uỷ ban", "Khối thi đua", "Cổng",
)
# Persons who answer for a unit ("Hiệu trưởng các trường ..."): may be written lower-case in a list.
PERSON_HEADS: tuple[str, ...] = (
    "Thủ trưởng", "Hiệu trưởng", "Giám đốc", "Chủ tịch", "Trưởng", "Phó Trưởng", "Chánh Văn phòng",
    "Tổng Giám đốc", "Cục trưởng", "Vụ trưởng", "Bộ trưởng", "Người đứng đầu", "Trưởng ban", "Trưởng phòng",
)
# "các X" opens a collective unit ("các cơ quan, đơn vị có liên quan").
COLLECTIVE_WORDS: tuple[str, ...] = ("các", "những", "tất cả các")
COLLECTIVE_HEADS: tuple[str, ...] = (
    "cơ quan", "đơn vị", "sở", "ban", "ngành", "bộ", "địa phương", "trường", "phòng", "trung tâm",
    "tổ chức", "doanh nghiệp", "cơ sở", "hội", "đoàn thể", "điểm", "quận", "huyện", "xã", "phường",
)

# Labelled fields under a prose item ("a) Đơn vị chủ trì: ...").
FIELD_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("partners", ("don vi phoi hop", "co quan phoi hop", "phoi hop thuc hien", "phoi hop")),
    ("lead", ("don vi chu tri", "co quan chu tri", "chu tri thuc hien", "chu tri",
              "don vi thuc hien", "co quan thuc hien", "trach nhiem thuc hien")),
    ("time", ("thoi gian thuc hien", "thoi gian hoan thanh", "thoi han hoan thanh", "thoi gian",
              "thoi han", "tien do thuc hien", "tien do")),
)

# Cue words in prose (matched on the fold, whole words).
ASSIGN_CUES: tuple[str, ...] = ("giao cho", "giao")          # "giao Sở X chủ trì ..."
LEAD_CUES: tuple[str, ...] = ("chu tri",)                     # "Sở X chủ trì, phối hợp ..."
DUTY_CUES: tuple[str, ...] = ("co trach nhiem", "chiu trach nhiem")  # "Trưởng các điểm thi có trách nhiệm"
REQUEST_CUES: tuple[str, ...] = ("yeu cau", "de nghi")        # counts only with a deadline
PARTNER_CUES: tuple[str, ...] = ("phoi hop chat che voi", "phoi hop voi", "phoi hop")

# Words after which a partner/lead list is over (what follows is the task itself).
TASK_VERBS: tuple[str, ...] = (
    "nghien cuu", "tham muu", "to chuc", "trien khai", "xay dung", "ra soat", "tham gia", "huong dan",
    "kiem tra", "thuc hien", "bao cao", "de xuat", "theo doi", "tong hop", "chi dao", "quan triet",
    "tuyen truyen", "gop y", "hoan thanh", "ban hanh", "trinh", "cong bo", "xu ly", "giai quyet",
    "dam bao", "bao dam", "phoi hop", "lam viec", "tiep tuc", "nghiem tuc", "khan truong", "chu dong",
    "kip thoi", "dong thoi", "tang cuong", "day manh", "quan ly", "giam sat", "danh gia", "lap",
    "soan thao", "chuan bi", "bo tri", "cung cap", "thong bao", "huy dong", "sap xep", "de",
)
# The end of a collective partner list ("... đơn vị liên quan").
LIST_END_WORDS: tuple[str, ...] = ("co lien quan", "lien quan")

# Timeframes that repeat rather than end.
RECURRING_WORDS: tuple[str, ...] = (
    "Thường xuyên", "Hằng tháng", "Hàng tháng", "Hằng quý", "Hàng quý", "Hằng năm", "Hàng năm",
    "Hằng tuần", "Hàng tuần", "Định kỳ", "Liên tục",
)

# Lines that end a prose region (the recipients block and the signature) and
# lines after which the body resumes (an appendix after the signature).
STOP_LINES: tuple[str, ...] = ("noi nhan",)
RESUME_LINES: tuple[str, ...] = ("phu luc",)

# Boilerplate that names units without giving them a task (the closing article of a Quyết định).
NOT_TASK_PHRASES: tuple[str, ...] = (
    "chiu trach nhiem thi hanh", "can cu quyet dinh thi hanh", "quyet dinh nay co hieu luc",
)

# Openings of the closing paragraph after a list of items.
CLOSING_STARTS: tuple[str, ...] = ("tren day la", "nhan duoc cong van nay", "trong qua trinh thuc hien")
