"""Tests of the tasks component (nlp.tasks): tables, flattened tables, prose, units, timeframes."""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from nlp.model import Block, Cell
from nlp.tasks import Task, get_tasks, parse_timeframe, split_units, starts_unit

# ---------------------------------------------------------------- helpers

CellSpec = str | tuple[str, int, int]  # text, or (text, rowspan, colspan); a colspan covers its columns


def table(rows: list[list[CellSpec | None]], start: int = 0) -> tuple[str, Block]:
    """A table block (and its text) from cell specs; None marks a position covered by a merged cell."""
    text, out = "", []
    for r, row in enumerate(rows):
        cells, col = [], 0
        for spec in row:
            if spec is None:
                col += 1
                continue
            t, rs, cs = (spec, 1, 1) if isinstance(spec, str) else spec
            s = start + len(text)
            text += t + "\n"
            cells.append(Cell(text=t, start=s, end=s + len(t), row=r, col=col, rowspan=rs, colspan=cs))
            col += cs
        out.append(cells)
    return text, Block(kind="table", start=start, end=start + len(text), page=1, rows=out)


def tasks_of_table(rows: list[list[CellSpec | None]]) -> list[Task]:
    text, block = table(rows)
    return get_tasks(text, [block])


def tasks_of_text(text: str) -> list[Task]:
    return get_tasks(text, [Block(kind="paragraph", start=0, end=len(text), page=1, text=text)])


# ---------------------------------------------------------------- timeframes


@pytest.mark.parametrize(("tf", "expected"), [
    ("Tháng 03/2022", ("2022-03-01", "2022-03-31", False)),
    ("Tháng 4,5/2022", ("2022-04-01", "2022-05-31", False)),
    ("Tháng 11,12/2022", ("2022-11-01", "2022-12-31", False)),
    ("Tháng 02/2024", ("2024-02-01", "2024-02-29", False)),
    ("trước ngày 30/5/2022", (None, "2022-05-30", False)),
    ("trước 14 giờ 00 ngày 29/7/2020", (None, "2020-07-29", False)),
    ("Thường xuyên", (None, None, True)),
    ("Hằng tháng", (None, None, True)),
    ("Quý I/2023", ("2023-01-01", "2023-03-31", False)),
    ("Quý III, IV/2023", ("2023-07-01", "2023-12-31", False)),
    ("Năm 2023", ("2023-01-01", "2023-12-31", False)),
    ("Từ ngày 01/6/2022 đến ngày 15/6/2022", ("2022-06-01", "2022-06-15", False)),
    ("Khi có yêu cầu", (None, None, False)),
    (None, (None, None, False)),
])
def test_parse_timeframe(tf: str | None, expected: tuple) -> None:
    assert parse_timeframe(tf) == expected


# ---------------------------------------------------------------- units


@pytest.mark.parametrize(("raw", "units"), [
    ("Các trường MN, TH, TH&THCS, THCS trực thuộc", ["Các trường MN, TH, TH&THCS, THCS trực thuộc"]),
    ("Sở Tài chính, Sở Kế hoạch và Đầu tư, UBND các quận, huyện.",
     ["Sở Tài chính", "Sở Kế hoạch và Đầu tư", "UBND các quận, huyện"]),
    ("Sở Lao động, Thương binh và Xã hội (LĐTBXH), Đại học Đà Nẵng",
     ["Sở Lao động, Thương binh và Xã hội (LĐTBXH)", "Đại học Đà Nẵng"]),
    ("Sở Nội vụ và các sở, ban, ngành liên quan", ["Sở Nội vụ", "các sở, ban, ngành liên quan"]),
    ("Sở GDĐT; Sở Y tế", ["Sở GDĐT", "Sở Y tế"]),
    ("- Phòng Nội vụ\n- Phòng Tài chính - Kế hoạch", ["Phòng Nội vụ", "Phòng Tài chính - Kế hoạch"]),
    ("Các cơ quan, đơn vị trong Khối thi đua\nVăn hóa - Xã hội",
     ["Các cơ quan, đơn vị trong Khối thi đua Văn hóa - Xã hội"]),
    ("Hiệu trưởng các trường THPT, giám đốc các trung tâm GDTX",
     ["Hiệu trưởng các trường THPT", "giám đốc các trung tâm GDTX"]),
    ("Sở A (phối hợp: x, y), Sở B", ["Sở A (phối hợp: x, y)", "Sở B"]),
    ("", []),
])
def test_split_units(raw: str, units: list[str]) -> None:
    assert split_units(raw) == units


def test_unit_start_needs_capital_head_or_collective() -> None:
    assert starts_unit("Sở Tài chính")
    assert starts_unit("các cơ quan, đơn vị có liên quan")
    assert not starts_unit("phong trào thi đua")  # "phòng" without marks and lower-case is a word, not a unit
    assert not starts_unit("ban, ngành")  # a bare head inside "các sở, ban, ngành"
    assert starts_unit("Phòng", bare_ok=True)


# ---------------------------------------------------------------- tables


def test_table_header_spellings() -> None:
    tasks = tasks_of_table([
        ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành"],
        ["1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "Sở Nội vụ; Sở Tài chính", "Quý I/2023"],
        ["2", "Báo cáo kết quả", "Văn phòng UBND tỉnh", "", "trước ngày 15/12/2023"],
    ])
    assert [t.index for t in tasks] == ["1", "2"]
    assert tasks[0].lead == ["Sở Tư pháp"] and tasks[0].partners == ["Sở Nội vụ", "Sở Tài chính"]
    assert (tasks[0].start_date, tasks[0].due_date) == ("2023-01-01", "2023-03-31")
    assert tasks[1].due_date == "2023-12-15" and tasks[1].partners == []
    assert all(t.source == "table" for t in tasks)


def test_table_columns_in_other_order_and_spelling() -> None:
    tasks = tasks_of_table([
        ["TT", "Nhiệm vụ", "Tiến độ", "Đơn vị chủ trì", "Đơn vị phối hợp"],
        ["1", "Tổ chức hội nghị", "Tháng 6/2024", "Sở Y tế", "UBND các huyện, thành phố"],
    ])
    assert tasks[0].lead == ["Sở Y tế"] and tasks[0].partners == ["UBND các huyện, thành phố"]
    assert tasks[0].timeframe == "Tháng 6/2024" and tasks[0].due_date == "2024-06-30"


def test_two_row_header() -> None:
    tasks = tasks_of_table([
        [("TT", 2, 1), ("Nhiệm vụ", 2, 1), ("Đơn vị thực hiện", 1, 2), ("Thời gian", 2, 1)],
        [None, None, "Chủ trì", "Phối hợp", None],
        ["1", "Kiểm tra cơ sở", "Sở Công Thương", "Công an tỉnh", "Tháng 9/2024"],
    ])
    assert len(tasks) == 1
    assert tasks[0].lead == ["Sở Công Thương"] and tasks[0].partners == ["Công an tỉnh"]
    assert tasks[0].start_date == "2024-09-01"


def test_merged_lead_cell_is_shared_by_rows() -> None:
    tasks = tasks_of_table([
        ["TT", "Nội dung", "Chủ trì", "Thời gian"],
        ["1", "Việc thứ nhất", ("Phòng GD&ĐT", 2, 1), "Tháng 3/2022"],
        ["2", "Việc thứ hai", None, "Thường xuyên"],
    ])
    assert [t.lead for t in tasks] == [["Phòng GD&ĐT"], ["Phòng GD&ĐT"]]
    assert tasks[1].recurring and tasks[1].due_date is None


def test_section_rows_and_numbering_row_are_not_tasks() -> None:
    tasks = tasks_of_table([
        ["STT", "Nội dung", "Đơn vị chủ trì", "Thời gian"],
        ["(1)", "(2)", "(3)", "(4)"],
        [("I. CÔNG TÁC TUYÊN TRUYỀN", 1, 4)],
        ["1", "Tuyên truyền pháp luật", "Sở Tư pháp", "Năm 2024"],
    ])
    assert [t.text for t in tasks] == ["Tuyên truyền pháp luật"]


def test_table_continued_on_next_page() -> None:
    text1, first = table([
        ["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"],
        ["1", "Việc một", "Sở A Tỉnh", "Tháng 1/2024"],
    ])
    text2, second = table([
        ["", "còn tiếp của việc một", "", ""],
        ["2", "Việc hai", "Sở B Tỉnh", "Tháng 2/2024"],
    ], start=len(text1))
    tasks = get_tasks(text1 + text2, [first, second])
    assert [t.index for t in tasks] == ["1", "2"]
    assert tasks[0].text == "Việc một còn tiếp của việc một"
    assert tasks[1].lead == ["Sở B Tỉnh"]


def test_row_with_several_sub_items() -> None:
    tasks = tasks_of_table([
        ["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"],
        ["1\n2", "Việc một\nViệc hai", "Sở Y tế", "Tháng 1/2024\nTháng 2/2024"],
    ])
    assert [(t.index, t.text, t.timeframe) for t in tasks] == [
        ("1", "Việc một", "Tháng 1/2024"), ("2", "Việc hai", "Tháng 2/2024")]
    assert all(t.lead == ["Sở Y tế"] for t in tasks)


def test_budget_table_is_not_a_task_table() -> None:
    assert tasks_of_table([
        ["STT", "Nội dung", "Số tiền (triệu đồng)", "Ghi chú"],
        ["1", "Sửa chữa trường học", "1.200", ""],
    ]) == []


def test_task_offsets_point_into_text() -> None:
    text, block = table([["TT", "Nhiệm vụ", "Chủ trì", "Thời gian"], ["1", "Việc cụ thể", "Sở A Tỉnh", "Năm 2024"]])
    task = get_tasks(text, [block])[0]
    assert text[task.start:task.end] == "Việc cụ thể"


# ---------------------------------------------------------------- flattened tables


FLAT = """III. NHIỆM VỤ CỤ THỂ
TT Nhiệm vụ cụ thể
Đơn vị
chủ trì
Các đơn vị phối
hợp thực hiện
Thời gian
thực hiện
1
Ban hành kế hoạch thi đua.
Phòng
GD&ĐT
Các trường MN,
TH, THCS trực thuộc
Tháng
03/2022
2
Tổng kết năm học; báo cáo công tác thi đua khen
Phòng
Nội vụ
Các trường MN,
TH, THCS trực thuộc
Tháng 4,5/2022
 thưởng cuối năm học.
Xét tặng Kỷ niệm chương theo hướng dẫn.
Phòng
GD&ĐT
Các trường MN,
TH, THCS trực thuộc
Thường
xuyên
IV. TỔ CHỨC THỰC HIỆN
"""


def test_flattened_table_rows() -> None:
    tasks = tasks_of_text(FLAT)
    assert [t.index for t in tasks] == ["1", "2", "3"]
    assert tasks[0].lead == ["Phòng GD&ĐT"]
    assert tasks[0].partners == ["Các trường MN, TH, THCS trực thuộc"]
    assert tasks[0].timeframe == "Tháng 03/2022" and tasks[0].due_date == "2022-03-31"
    # text the PDF put after the timeframe belongs to the task
    assert tasks[1].text == "Tổng kết năm học; báo cáo công tác thi đua khen thưởng cuối năm học."
    assert tasks[1].lead == ["Phòng Nội vụ"] and tasks[1].start_date == "2022-04-01"
    # a row whose number the PDF lost takes the next number
    assert tasks[2].text == "Xét tặng Kỷ niệm chương theo hướng dẫn." and tasks[2].recurring


# ---------------------------------------------------------------- prose


def test_prose_assign_with_partners_and_deadline() -> None:
    tasks = tasks_of_text(
        "1. Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ, Sở Tư pháp rà soát kinh phí, "
        "hoàn thành trước ngày 30/5/2022.\n")
    assert len(tasks) == 1
    t = tasks[0]
    assert (t.index, t.lead, t.partners) == ("1", ["Sở Tài chính"], ["Sở Nội vụ", "Sở Tư pháp"])
    assert (t.timeframe, t.start_date, t.due_date) == ("trước ngày 30/5/2022", None, "2022-05-30")
    assert t.source == "text"


def test_prose_lead_without_giao_and_related_units() -> None:
    tasks = tasks_of_text(
        "Sở Y tế chủ trì, phối hợp với các đơn vị liên quan kiểm tra an toàn thực phẩm, "
        "báo cáo UBND tỉnh trước ngày 15/01/2025.\n")
    assert tasks[0].lead == ["Sở Y tế"] and tasks[0].partners == ["các đơn vị liên quan"]
    assert tasks[0].due_date == "2025-01-15"


def test_prose_assignment_inside_a_long_paragraph_starts_at_its_subject() -> None:
    tasks = tasks_of_text(
        "Theo đề nghị của Bộ Y tế tại Công văn số 12/BYT-KH ngày 02/01/2025, Chủ tịch UBND tỉnh "
        "giao Sở Y tế chủ trì, phối hợp với các cơ quan liên quan góp ý dự thảo (trước ngày 10/02/2025)./.\n")
    assert tasks[0].text.startswith("Chủ tịch UBND tỉnh giao Sở Y tế")
    assert tasks[0].index is None and tasks[0].due_date == "2025-02-10"


def test_prose_labelled_fields() -> None:
    tasks = tasks_of_text(
        "1. Đẩy mạnh công tác tuyên truyền.\n"
        "a) Đơn vị chủ trì: Sở GDĐT, UBND các quận, huyện và Đại học Đà Nẵng.\n"
        "b) Đơn vị phối hợp: các sở, ban, ngành liên quan.\n"
        "2. Thường xuyên rà soát chính sách.\n"
        "a) Đơn vị chủ trì: Sở LĐTBXH.\n")
    assert [t.index for t in tasks] == ["1", "2"]
    assert tasks[0].lead == ["Sở GDĐT", "UBND các quận, huyện", "Đại học Đà Nẵng"]
    assert tasks[0].partners == ["các sở, ban, ngành liên quan"]
    assert tasks[1].timeframe == "Thường xuyên" and tasks[1].recurring


def test_prose_duty_item_with_letter_index_and_clock_time() -> None:
    tasks = tasks_of_text(
        "3. Đối với kỳ thi\n"
        "a) Trưởng các điểm thi có trách nhiệm\n"
        "Bố trí phòng thi dự phòng.\n"
        "Báo cáo về Sở trước 14 giờ 00 ngày 29/7/2020.\n")
    assert [t.index for t in tasks] == ["3.a"]
    assert tasks[0].lead == ["Trưởng các điểm thi"]
    assert tasks[0].timeframe == "trước 14 giờ 00 ngày 29/7/2020" and tasks[0].due_date == "2020-07-29"


def test_heading_that_assigns_items_below() -> None:
    tasks = tasks_of_text(
        "Điều 2. Giao Giám đốc Sở Giáo dục và Đào tạo\n"
        "1. Tổ chức thực hiện kế hoạch năm học.\n"
        "2. Chủ trì, phối hợp với Công an tỉnh hướng dẫn thực hiện.\n"
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.\n")
    assert [t.lead for t in tasks] == [["Giám đốc Sở Giáo dục và Đào tạo"]] * 2
    assert tasks[1].partners == ["Công an tỉnh"]


@pytest.mark.parametrize("text", [
    # an introduction that announces items is not itself a task
    "Sở GD&ĐT yêu cầu thủ trưởng các đơn vị thực hiện những nội dung sau:\n",
    # a request without deadline is a courtesy, not a task
    "Sở GD&ĐT yêu cầu thủ trưởng các đơn vị khẩn trương triển khai thực hiện./.\n",
    # recipients and the closing article name units without giving them work
    "Nơi nhận:\n- Sở Tài chính;\n- Sở Nội vụ chủ trì;\n- Lưu: VT.\n",
    "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Tài chính chịu trách nhiệm thi hành Quyết định này.\n",
    # a calendar of dates
    "1. Tựu trường: Ngày 26/8/2024.\n2. Khai giảng: Ngày 05/9/2024.\n",
    # prose that merely mentions coordination
    "2. Phòng CTSV phối hợp với Đoàn TN phổ biến đến toàn thể sinh viên;\n",
])
def test_no_tasks(text: str) -> None:
    assert tasks_of_text(text) == []


def test_to_dict_has_contract_keys() -> None:
    t = tasks_of_text("1. Giao Sở Y tế chủ trì kiểm tra, hoàn thành trước ngày 01/02/2025.\n")[0]
    d = t.to_dict()
    for key in ("index", "text", "lead", "partners", "timeframe", "start_date", "due_date", "recurring", "source"):
        assert key in d
    json.dumps(d)


# ---------------------------------------------------------------- seed acceptance


def _gold_tasks(corpus: Path, name: str) -> list[dict]:
    return json.loads((corpus / f"{name}.gold.json").read_text(encoding="utf-8"))["tasks"]


def _check_seed(tasks: list[Task], gold: list[dict]) -> None:
    assert len(tasks) == len(gold) == 12
    for t, g in zip(tasks, gold, strict=True):
        assert t.index == g["index"]
        # the scorer's text test: the Word file writes "2022-2023" where the PDF text lost the dash
        assert SequenceMatcher(None, t.text, g["text"]).ratio() >= 0.95, t.index
        assert t.lead == g["lead"], t.index
        assert t.partners == g["partners"], t.index
        assert t.timeframe == g["timeframe"]
        assert (t.start_date, t.due_date, t.recurring) == (g["start_date"], g["due_date"], g["recurring"])


@pytest.mark.parametrize("name,suffix", [
    ("kh_pgddt_dienbienphu_2022_thidua", ".txt"),
    ("kh_pgddt_dienbienphu_2022_thidua_word", ".docx"),
])
def test_seed_acceptance(corpus: Path, name: str, suffix: str) -> None:
    from worker.readers import read_path

    r = read_path(corpus / f"{name}{suffix}")
    _check_seed(get_tasks(r.text, r.blocks), _gold_tasks(corpus, name))
