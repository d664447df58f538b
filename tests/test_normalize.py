"""Vietnamese normalization: the text keeps the clerk's words, the key matches spellings."""

from __future__ import annotations

import unicodedata

import pytest

from nlp.normalize import clean, match_key, strip_diacritics, tone_key


def test_clean_composes_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert clean(decomposed) == "Quyết định"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("\u00d0iện Biên Phủ", "Điện Biên Phủ"),  # Icelandic Eth read as Đ
        ("\u00f0ào tạo", "đào tạo"),
        ("thi\u00ad đua", "thi đua"),  # soft hyphen
        ("Kế\u200b hoạch", "Kế hoạch"),  # zero-width space
        ("\ufeffCăn cứ", "Căn cứ"),  # BOM
        ("năm\u00a02022", "năm 2022"),  # no-break space
        ("a   b\t c", "a b c"),
        ("dòng 1  \r\ndòng 2", "dòng 1\ndòng 2"),
    ],
)
def test_clean_fixes_invisible_and_lookalike_characters(raw: str, want: str) -> None:
    assert clean(raw) == want


@pytest.mark.parametrize(
    ("new", "old"),
    [("hoà", "hòa"), ("Hoà bình", "Hòa bình"), ("thuỷ", "thủy"), ("uỷ ban", "ủy ban"),
     ("khoẻ", "khỏe"), ("hoá", "hóa"), ("tuỳ", "tùy"), ("CỘNG HOÀ", "CỘNG HÒA")],
)
def test_tone_key_moves_new_style_marks(new: str, old: str) -> None:
    assert tone_key(new) == old
    assert match_key(new) == match_key(old)


@pytest.mark.parametrize("word", ["quý", "hoàn", "thuế", "khuyến", "hòa", "thủy", "Uyên", "toán"])
def test_tone_key_leaves_other_syllables(word: str) -> None:
    assert tone_key(word) == word


def test_match_key_folds_case_and_spacing() -> None:
    assert match_key("  ỦY BAN   NHÂN DÂN ") == match_key("Uỷ ban nhân dân")


def test_strip_diacritics() -> None:
    assert strip_diacritics("Sở Giáo dục và Đào tạo") == "So Giao duc va Dao tao"
