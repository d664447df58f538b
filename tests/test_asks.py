"""What a document asks and by when (nlp.asks): request sentences and deadline dates."""

from __future__ import annotations

from nlp.asks import get_asks

LETTER = (
    "UBND TỈNH QUẢNG NGÃI\nSố: 12/UBND-KGVX\nKính gửi: Sở Giáo dục và Đào tạo\n"
    "Căn cứ Công văn số 202/BTTTT-KHTC ngày 21/01/2025 của Bộ Thông tin và Truyền thông;\n"
    "Ngành giáo dục đã đạt nhiều kết quả trong năm học vừa qua.\n"
    "Chủ tịch UBND tỉnh giao Sở Giáo dục và Đào tạo chủ trì, phối hợp với các cơ quan liên quan tổng hợp, "
    "báo cáo UBND tỉnh trước ngày 10/02/2025.\n"
    "Đề nghị các trường gửi danh sách về Phòng Giáo dục chậm nhất ngày 05/3/2025./.\n"
    "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n"
)


def test_requests_are_sentences_with_a_request_cue():
    asks = get_asks(LETTER, [])
    texts = [r.text for r in asks.requests]
    assert any(t.startswith("Chủ tịch UBND tỉnh giao Sở Giáo dục và Đào tạo chủ trì") for t in texts)
    assert any(t.startswith("Đề nghị các trường gửi danh sách") for t in texts)
    # "giáo dục" folds to "giao duc" and is not a request; the basis line and the recipients are not asks
    assert not any("Ngành giáo dục" in t for t in texts)
    assert not any(t.startswith("Căn cứ") for t in texts)
    assert not any("Như trên" in t for t in texts)
    for r in asks.requests:
        assert " ".join(LETTER[r.start:r.end].split()).startswith(r.text[:30])


def test_deadlines_are_dates_after_a_deadline_cue():
    dates = [
        {"kind": "date", "start": LETTER.index("21/01/2025") - 5, "end": LETTER.index("21/01/2025") + 10,
         "value": "2025-01-21", "start_date": "2025-01-21"},
        {"kind": "date", "start": LETTER.index("10/02/2025") - 5, "end": LETTER.index("10/02/2025") + 10,
         "value": "2025-02-10", "start_date": "2025-02-10"},
        {"kind": "date", "start": LETTER.index("05/3/2025") - 5, "end": LETTER.index("05/3/2025") + 9,
         "value": "2025-03-05", "start_date": "2025-03-05"},
    ]
    asks = get_asks(LETTER, dates)
    assert [d.date for d in asks.deadlines] == ["2025-02-10", "2025-03-05"]  # the basis's date is no deadline
    assert asks.deadlines[0].text.startswith("báo cáo UBND tỉnh trước ngày 10/02/2025") or \
        "trước ngày 10/02/2025" in asks.deadlines[0].text


def test_long_request_keeps_the_clause_that_asks():
    opening = "Theo đề nghị của Bộ Thông tin và Truyền thông tại Công văn số 202/BTTTT-KHTC " + "về việc góp ý " * 30
    text = opening + ", Chủ tịch UBND tỉnh giao Sở Thông tin và Truyền thông chủ trì góp ý dự thảo."
    [request] = get_asks(text, []).requests
    assert request.text.startswith("… Chủ tịch UBND tỉnh giao Sở Thông tin")
