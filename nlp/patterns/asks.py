"""Words that mark what a document asks of its recipients, and its deadlines.

Matched on the diacritic-free, lower-case fold of the text (``nlp.normalize.fold``),
so OCR text that lost tone marks still matches. Used by ``nlp.asks``.
"""

from __future__ import annotations

# A sentence asks something of its recipients when it holds one of these (regular expressions
# over the fold; "giao" only before a unit, as "giáo dục" folds to "giao duc").
REQUEST_CUES: tuple[str, ...] = (
    r"de nghi", r"yeu cau (?:cac|don vi|truong|phong|so|ubnd|uy ban|co quan|ban|hieu truong|thu truong)",
    r"giao (?:cho |nhiem vu (?:cho )?)?(?:so|phong|ban|uy ban|ubnd|cac|truong|don vi|co quan)\b",
    r"khan truong", r"gui ve", r"gui bao cao", r"bao cao ket qua", r"nghiem tuc (?:trien khai|thuc hien)",
)
# Shorter sentences are headings ("II. YÊU CẦU"), not requests.
MIN_REQUEST_CHARS = 40

# A date is a deadline when one of these stands just before it (within ``DEADLINE_WINDOW`` chars).
DEADLINE_CUES: tuple[str, ...] = (
    "truoc ngay", "cham nhat", "han chot", "thoi han", "hoan thanh truoc", "truoc", "den ngay",
    "han nop", "hoan thanh trong",
)
DEADLINE_WINDOW = 40

# Sentences end at these. The body is one NFC text with paragraphs on their own lines, but a
# reader may leave a wrapped line ("tại Công văn số\n202/BTTTT"): a line break ends a sentence
# only after end punctuation or before an upper-case letter or a dash item.
SENTENCE_END = r"(?<=[.;:!?])\s+(?=[A-ZĐÀ-Ỹ0-9-])|(?<=[.;:!?])\n+|\n+(?=[A-ZĐÀ-Ỹ-])"

# A request longer than this is cut at a word boundary for the one-page digest.
MAX_REQUEST_CHARS = 320
MAX_REQUESTS = 6
