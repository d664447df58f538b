"""Form rules for a document's number and symbol (số, ký hiệu), as written in a citation.

Pure: a symbol string (and the type named before it) in, findings out. Each
finding is the contract's ``{code, severity, message}`` with ``code`` one of
``malformed_symbol``, ``type_symbol_mismatch``, ``style``. Rules and their
sources are in shared/domain/FORMATS.md; the tables are ``nlp.patterns.symbols``.

- Administrative (NĐ 30/2020): ``12/QĐ-UBND``, công văn ``15/UBND-VP``; no year.
- Party: ``05-CT/TW``: hyphen after the number, slash before the issuer.
- Legal-normative: ``98/2023/NĐ-CP``, laws ``06/2022/QH15``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.patterns import symbols as P

__all__ = ["ParsedSymbol", "parse_symbol", "symbol_findings", "raw_symbol", "reference_findings"]

_GROUP = r"[0-9A-ZĐÐa-zđ&]+"
# "/" and "-" (maybe spaced), or a wrong separator glued between two groups
_SEP = r"(?:[ ]?[/-][ ]?|[" + re.escape(P.BAD_SEPARATORS) + r"])"
# number, then groups joined by separators; groups after the first start upper-case or digit
_RAW = re.compile(rf"(?<![\w/.-])(?P<num>\d{{1,5}}(?:\.\d{{1,3}})?[a-z]?)(?P<rest>(?:{_SEP}[0-9A-ZĐÐ][0-9A-ZĐÐa-zđ&]*)+)")


@dataclass(frozen=True)
class ParsedSymbol:
    """A symbol split into its parts; ``form`` is ``admin``, ``party``, ``legal`` or ``unknown``."""

    raw: str
    number: str
    year: int | None
    groups: tuple[str, ...]  # the groups after the number (and year)
    seps: tuple[str, ...]  # every separator, in order, spaces removed
    spaced: bool
    form: str

    @property
    def type_code(self) -> str | None:
        return self.groups[0] if self.groups else None

    @property
    def org(self) -> str | None:
        return self.groups[-1] if len(self.groups) > 1 else None


def _f(code: str, severity: str, message: str) -> dict:
    return {"code": code, "severity": severity, "message": message}


def parse_symbol(raw: str) -> ParsedSymbol | None:
    """Split ``98/2023/NĐ-CP``, ``05-CT/TW``, ``217/KH-SGDĐT`` (or a misspelt form) into parts."""
    s = raw.strip().replace("Ð", "Đ")
    m = re.fullmatch(rf"(\d{{1,5}}(?:\.\d{{1,3}})?[a-z]?)((?:{_SEP}{_GROUP})+)", s)
    if not m:
        return None
    number, rest = m.group(1), m.group(2)
    parts = re.split(rf"({_SEP})", rest)[1:]
    seps = tuple(p.strip() for p in parts[0::2])
    groups = [g for g in parts[1::2]]
    spaced = " " in s
    year = None
    if groups and re.fullmatch(r"(19|20)\d\d", groups[0]) and len(groups) > 1:
        year = int(groups[0])
        groups = groups[1:]
        form = "legal"
    elif seps[0] == "-" and len(seps) > 1 and seps[1] == "/":
        form = "party"
    elif seps[0] == "/":
        form = "party" if groups[-1].upper() in P.PARTY_ORGS and len(groups) > 1 else "admin"
    else:
        form = "unknown"
    return ParsedSymbol(s, number, year, tuple(groups), seps, spaced, form)


def _expected_codes(doc_type: str | None, form: str) -> tuple[str, ...] | None:
    """The type codes a symbol of ``form`` may carry for ``doc_type`` (None: no rule)."""
    if not doc_type:
        return None
    if form == "party":
        return P.PARTY_CODES.get(doc_type)
    if form == "legal":
        return P.LEGAL_CODES.get(doc_type)
    code = P.ADMIN_CODES.get(doc_type.replace(" (Đảng)", ""))
    if doc_type in P.LEGAL_CODES and doc_type not in P.ADMIN_CODES:
        return P.LEGAL_CODES[doc_type]  # "Thông tư số 12/TTr-..." without year: still TT
    return (code,) if code else None


def _first_code(group: str) -> str:
    """``QH15`` -> ``QH``, ``UBTVQH13`` -> ``UBTVQH``, else the group itself."""
    return re.sub(r"\d+$", "", group)


def symbol_findings(raw: str, doc_type: str | None = None) -> list[dict]:
    """Findings on one symbol as written (``raw``), given the type named before it."""
    p = parse_symbol(raw)
    if p is None:
        return []
    out: list[dict] = []
    bad = [s for s in p.seps if s in P.BAD_SEPARATORS]
    if bad:
        out.append(_f("malformed_symbol", "error",
                      f"Số, ký hiệu «{raw}» dùng dấu «{bad[0]}» để phân cách; chỉ dùng «/» và «-»."))
    if p.spaced:
        out.append(_f("style", "warning", f"Số, ký hiệu «{raw}» có khoảng trắng; phải viết liền, không cách."))
    canon_seps = list(p.seps)
    org_party = bool(p.org) and p.org.upper() in P.PARTY_ORGS
    first = p.type_code or ""
    # Party issuer written in the administrative form: "18/NQ-TW" for 18-NQ/TW
    if p.year is None and org_party and canon_seps[:1] == ["/"] and len(p.groups) == 2:
        out.append(_f("malformed_symbol", "error",
                      f"Văn bản của Đảng ghi số, ký hiệu dạng «{p.number}-{first}/{p.org}», không phải «{raw}»."))
        form = "party"
    # administrative code written in the Party form: "217-KH/SGDĐT"
    elif p.form == "party" and not org_party and first.upper() in P.TYPE_CODES:
        out.append(_f("malformed_symbol", "error",
                      f"Văn bản hành chính ghi số, ký hiệu dạng «{p.number}/{first}-{p.org}», không phải «{raw}»."))
        form = "admin"
    # "217/KH/SGDĐT": a slash where a hyphen joins the groups
    elif p.form == "admin" and not bad and p.year is None and len(canon_seps) > 1 and "/" in canon_seps[1:]:
        fixed = p.number + "/" + "-".join(p.groups)
        out.append(_f("malformed_symbol", "error",
                      f"Các nhóm chữ của ký hiệu nối bằng dấu «-»: «{fixed}», không phải «{raw}»."))
        form = "admin"
    else:
        form = p.form
    # a year in an administrative symbol
    legal_type = doc_type in P.LEGAL_CODES and doc_type not in P.ADMIN_CODES
    if p.year is not None and first.upper() in P.NO_YEAR_CODES and not legal_type:
        out.append(_f("malformed_symbol", "error",
                      f"Văn bản hành chính không ghi năm trong số, ký hiệu: «{raw}» "
                      f"(đúng dạng «{p.number}/{'-'.join(p.groups)}»)."))
    # invented type codes: "CV", "TCG", "QCh", ...
    inv = first.upper()
    if form != "party" and inv in P.INVENTED_CODES:
        good = P.INVENTED_CODES[inv]
        tail = f"; viết đúng là «{good}»" if good else (
            "; công văn không có chữ viết tắt tên loại (dạng «số/cơ quan-đơn vị»)" if inv == "CV" else "")
        out.append(_f("malformed_symbol", "error",
                      f"«{first}» không phải chữ viết tắt tên loại văn bản theo Phụ lục III Nghị định "
                      f"30/2020/NĐ-CP{tail}."))
        return out
    # the code does not match the type named before the symbol
    expected = _expected_codes(doc_type, form)
    code = _first_code(first) if form == "legal" else first
    if expected and code.upper() in P.TYPE_CODES:
        if code.upper() not in {e.upper() for e in expected}:
            named = P.CODE_NAMES.get(code.upper(), code)
            out.append(_f("type_symbol_mismatch", "error",
                          f"{doc_type} viết tắt là «{expected[0]}», nhưng ký hiệu «{raw}» có «{first}» "
                          f"(là chữ viết tắt của {named.lower()})."))
    elif doc_type == "Công văn" and form == "admin" and code.upper() in P.TYPE_CODES and code.upper() != "CT":
        named = P.CODE_NAMES.get(code.upper(), code)
        out.append(_f("type_symbol_mismatch", "warning",
                      f"Ký hiệu «{raw}» có «{first}» (chữ viết tắt của {named.lower()}), nhưng văn bản được gọi là công văn."))
    return out


def raw_symbol(text: str, number: str | None) -> str | None:
    """The symbol exactly as written in a citation's text, starting at its ``number``."""
    if not number:
        return None
    for m in _RAW.finditer(text):
        if m.group("num") == number:
            return m.group().rstrip(" ")
    return None


def reference_findings(ref: dict) -> list[dict]:
    """Form findings for one ``references[]`` object (symbol as written, Luật cited with a number)."""
    out: list[dict] = []
    raw = raw_symbol(ref.get("text") or "", ref.get("number"))
    if raw is None and ref.get("ref"):
        raw = ref["ref"]
    if raw:
        out.extend(symbol_findings(raw, ref.get("doc_type")))
    if ref.get("role") == "basis" and ref.get("doc_type") in P.NAME_ONLY_TYPES and ref.get("number"):
        out.append(_f("style", "warning",
                      f"Căn cứ {ref['doc_type'].lower()} chỉ ghi tên loại và tên văn bản, không ghi số, "
                      f"ký hiệu («{ref.get('ref')}»)."))
    return out
