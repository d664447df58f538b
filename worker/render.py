"""Fill a document template (``templates/NAME.docx``) from a context, checked against its manifest.

Public entry: ``render(template, context) -> bytes`` (the .docx file). The manifest
``templates/NAME.manifest.json`` lists every field with its type (``string``, ``date``,
``list`` with ``items``, ``object`` with ``fields``), whether it is required and its default.
Every missing or mistyped value is reported by its path (``tasks[1].lead``) in one
``RenderError`` that speaks Vietnamese and English. Rendering uses Jinja's
``SandboxedEnvironment`` with strict undefineds, so a template cannot reach Python internals,
and context values are inserted as text (autoescaped XML), never evaluated as templates.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
_NAME = re.compile(r"^[a-z0-9_]+$")


class RenderError(Exception):
    """A template could not be filled; ``problems`` lists ``{path, code, vi, en}`` per field."""

    code = "render_error"

    def __init__(self, vi: str, en: str, problems: list[dict[str, str]] | None = None,
                 *, code: str | None = None):
        self.vi = vi
        self.en = en
        self.problems = problems or []
        if code:
            self.code = code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [f"{self.vi} / {self.en}"]
        lines += [f"- {p['path']}: {p['vi']} / {p['en']}" for p in self.problems]
        return "\n".join(lines)

    @property
    def paths(self) -> list[str]:
        return [p["path"] for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "vi": self.vi, "en": self.en, "problems": self.problems}


def list_templates(templates_dir: Path | None = None) -> list[str]:
    base = templates_dir or TEMPLATES_DIR
    return sorted(p.name.removesuffix(".manifest.json") for p in base.glob("*.manifest.json"))


def load_manifest(template: str, templates_dir: Path | None = None) -> dict[str, Any]:
    path = _template_path(template, templates_dir).with_suffix("").with_suffix(".manifest.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _template_path(template: str, templates_dir: Path | None) -> Path:
    if not isinstance(template, str) or not _NAME.match(template):
        raise RenderError("Tên mẫu không hợp lệ.", "Invalid template name.",
                          [{"path": "template", "code": "invalid_name",
                            "vi": f"tên {template!r} không hợp lệ", "en": f"name {template!r} is invalid"}],
                          code="unknown_template")
    base = templates_dir or TEMPLATES_DIR
    path = base / f"{template}.docx"
    if not path.is_file() or not (base / f"{template}.manifest.json").is_file():
        raise RenderError(f"Không có mẫu văn bản '{template}'.", f"No template named '{template}'.",
                          code="unknown_template")
    return path


# --- validation ---------------------------------------------------------------------------

_TYPE_VI = {"string": "chuỗi chữ", "date": "ngày (YYYY-MM-DD)", "list": "danh sách", "object": "đối tượng"}


def _problem(problems: list, path: str, code: str, vi: str, en: str) -> None:
    problems.append({"path": path, "code": code, "vi": vi, "en": en})


def _check(value: Any, spec: dict[str, Any], path: str, problems: list) -> Any:
    kind = spec.get("type", "string")
    wrong = (f"sai kiểu: cần {_TYPE_VI.get(kind, kind)}, nhận {type(value).__name__}",
             f"wrong type: expected {kind}, got {type(value).__name__}")
    if kind == "string":
        if not isinstance(value, str):
            _problem(problems, path, "wrong_type", *wrong)
        return value
    if kind == "date":
        if not isinstance(value, str):
            _problem(problems, path, "wrong_type", *wrong)
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            _problem(problems, path, "wrong_type", f"ngày không hợp lệ: {value!r} (cần YYYY-MM-DD)",
                     f"invalid date: {value!r} (expected YYYY-MM-DD)")
            return value
    if kind == "list":
        if not isinstance(value, list):
            _problem(problems, path, "wrong_type", *wrong)
            return value
        item = spec.get("items", {"type": "string"})
        return [_check(v, item, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if kind == "object":
        if not isinstance(value, dict):
            _problem(problems, path, "wrong_type", *wrong)
            return value
        return _check_fields(value, spec.get("fields", {}), f"{path}.", problems)
    raise ValueError(f"manifest: unknown type {kind!r} at {path}")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _check_fields(data: dict[str, Any], fields: dict[str, Any], prefix: str, problems: list) -> dict:
    out = dict(data)
    for name, spec in fields.items():
        path = f"{prefix}{name}"
        value = data.get(name)
        if _empty(value):
            if spec.get("required", False):
                _problem(problems, path, "missing", f"thiếu trường bắt buộc '{spec.get('label', name)}'",
                         f"required field '{name}' is missing")
                continue
            out[name] = copy.deepcopy(spec.get("default")) if value is None else value
            continue
        out[name] = _check(value, spec, path, problems)
    return out


def validate(context: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    """Return the context with defaults filled and dates parsed; raise ``RenderError`` on problems."""
    if not isinstance(context, dict):
        raise RenderError("Dữ liệu phải là một đối tượng JSON.", "The data must be a JSON object.",
                          code="invalid_context")
    problems: list[dict[str, str]] = []
    out = _check_fields(context, manifest.get("fields", {}), "", problems)
    if problems:
        raise RenderError("Dữ liệu không khớp với mẫu văn bản.", "The data does not fit the template.",
                          problems, code="invalid_context")
    return out


def date_text(day: dt.date) -> str:
    """``ngày 05 tháng 3 năm 2020``: zero before days < 10 and months 1, 2 only (NĐ 30, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _derived(ctx: dict[str, Any]) -> dict[str, Any]:
    date = ctx.get("date")
    if isinstance(date, dt.date):
        ctx["date_text"] = date_text(date)
        ctx["date"] = date.isoformat()
    return ctx


# --- rendering ----------------------------------------------------------------------------

def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render(template: str, context: dict[str, Any], *, templates_dir: Path | None = None) -> bytes:
    """Render ``templates/<template>.docx`` with ``context``; return the .docx bytes."""
    path = _template_path(template, templates_dir)
    manifest = load_manifest(template, templates_dir)
    ctx = _derived(validate(context, manifest))
    doc = DocxTemplate(str(path))
    try:
        doc.render(ctx, jinja_env=_environment(), autoescape=True)
    except SecurityError as exc:
        raise RenderError("Mẫu văn bản chứa lệnh không được phép.",
                          "The template uses an operation the sandbox forbids.",
                          [{"path": "template", "code": "sandbox", "vi": str(exc), "en": str(exc)}],
                          code="template_forbidden") from exc
    except TemplateError as exc:
        raise RenderError("Mẫu văn bản bị lỗi.", "The template is broken.",
                          [{"path": "template", "code": "template_error", "vi": str(exc), "en": str(exc)}],
                          code="template_error") from exc
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
