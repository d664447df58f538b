"""Typed reading errors that carry a message in Vietnamese and in English.

Clerks see the Vietnamese text, programs and logs get the English one and the
``code``; a job that fails keeps all three so the clerk learns why.
"""

from __future__ import annotations


class ReadError(Exception):
    """Base class: a file that cannot be read, with a reason a clerk understands."""

    code = "read_error"
    vi = "Không đọc được tệp."
    en = "The file could not be read."

    def __init__(self, detail: str | None = None, *, vi: str | None = None, en: str | None = None):
        self.detail = detail
        if vi:
            self.vi = vi
        if en:
            self.en = en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.vi} / {self.en}"
        return f"{text} ({self.detail})" if self.detail else text

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "vi": self.vi, "en": self.en, "detail": self.detail}


class EmptyFile(ReadError):
    code = "empty_file"
    vi = "Tệp rỗng, không có nội dung."
    en = "The file is empty."


class UnsupportedFormat(ReadError):
    code = "unsupported_format"
    vi = "Định dạng tệp không được hỗ trợ (chỉ nhận Word, PDF, ảnh quét, văn bản)."
    en = "Unsupported file type (Word, PDF, scanned images and text are accepted)."


class CorruptFile(ReadError):
    code = "corrupt_file"
    vi = "Tệp bị hỏng hoặc không đúng định dạng."
    en = "The file is corrupt or not what its type says."


class EncryptedFile(ReadError):
    code = "encrypted_file"
    vi = "Tệp PDF được đặt mật khẩu; hãy gửi bản không khóa."
    en = "The PDF is password-protected; please upload an unlocked copy."


class TooLarge(ReadError):
    code = "too_large"
    vi = "Tệp vượt quá giới hạn kích thước hoặc số trang cho phép."
    en = "The file exceeds the allowed size or page count."


class NoText(ReadError):
    code = "no_text"
    vi = "Không tìm thấy chữ nào trong tệp (ảnh trống hoặc quá mờ)."
    en = "No text was found in the file (blank or unreadable image)."


class ToolMissing(ReadError):
    code = "tool_missing"
    vi = "Máy chủ thiếu phần mềm cần thiết để đọc tệp này."
    en = "A program needed to read this file is not installed."


class ReadTimeout(ReadError):
    code = "timeout"
    vi = "Đọc tệp quá thời gian cho phép."
    en = "Reading the file took longer than allowed."


class NotADocument(UnsupportedFormat):
    """A program or an archive: refused outright, never opened further (same code, clearer words)."""

    vi = "Tệp này không phải là văn bản (chương trình máy tính hoặc tệp nén)."
    en = "This file is not a document (a program or an archive)."


class UnpackTooLarge(TooLarge):
    """A compressed container (DOCX, ODT) that would unpack past the limits: a zip bomb."""

    vi = "Tệp nén bên trong giải nén ra quá lớn so với giới hạn cho phép."
    en = "The file's compressed content unpacks beyond the allowed size."
