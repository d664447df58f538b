"""The OpenAPI 3 document of ``/api/v1``, generated from the registered routes.

Every rule under ``/api/v1`` in ``app.url_map`` becomes a path; its operation is
the YAML after ``---`` in the view's docstring (first line: summary), read with
apispec's ``yaml_utils``; the shared schemas are declared below. A route without
a docstring still appears (with a bare 200), so the document can never miss one.
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.yaml_utils import PATH_KEYS, load_yaml_from_docstring
from flask import Flask

API_PREFIX = "/api/v1"
_CONVERTER = re.compile(r"<(?:(?P<conv>[a-zA-Z_]+)(?:\([^>]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "vi", "en"],
            "properties": {
                "code": {"type": "string", "example": "not_found"},
                "vi": {"type": "string", "description": "message in Vietnamese"},
                "en": {"type": "string", "description": "message in English"},
            },
        }
    },
}
_PROGRESS = {
    "type": "object",
    "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}},
}
_STATUS = {
    "type": "object",
    "required": ["id", "status", "stage", "progress", "error"],
    "properties": {
        "id": {"type": "integer"},
        "filename": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        "status_vi": {"type": "string"},
        "stage": {"type": "string", "nullable": True,
                  "description": "read, convert, pages, ocr, layout, extract, blanks"},
        "stage_vi": {"type": "string", "example": "nhận dạng chữ trang 3/12"},
        "progress": _PROGRESS,
        "error": {"allOf": [{"$ref": "#/components/schemas/ErrorDetail"}], "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "description": "the document's page"},
        "extraction_url": {"type": "string"},
    },
}
_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "filename": {"type": "string"},
        "status": {"type": "string"},
        "doc_type": {"type": "string", "nullable": True},
        "issuer": {"type": "string", "nullable": True},
        "ref": {"type": "string", "nullable": True},
        "doc_date": {"type": "string", "format": "date", "nullable": True},
        "subject": {"type": "string", "nullable": True},
        "size": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string"},
        "status_url": {"type": "string"},
    },
}
SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _ERROR,
    "ErrorDetail": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "vi": {"type": "string"}, "en": {"type": "string"}},
    },
    "DocumentStatus": _STATUS,
    "DocumentSummary": _SUMMARY,
    "DocumentList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentSummary"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    },
    "UploadAccepted": {
        "type": "object",
        "required": ["id", "status", "status_url"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string"},
            "status_url": {"type": "string"},
            "duplicate": {"type": "boolean"},
            "document": {"$ref": "#/components/schemas/DocumentStatus"},
        },
    },
    "Extraction": {
        "type": "object",
        "description": "vanthu.extraction/1 (shared contract EXTRACTION.md, extraction.schema.json)",
        "required": ["schema", "text", "header", "references", "dates", "tasks", "recipients"],
        "properties": {
            "schema": {"type": "string", "enum": ["vanthu.extraction/1"]},
            "source": {"type": "object"},
            "text": {"type": "string"},
            "header": {"type": "object"},
            "references": {"type": "array", "items": {"type": "object"}},
            "dates": {"type": "array", "items": {"type": "object"}},
            "tasks": {"type": "array", "items": {"type": "object"}},
            "sections": {"type": "array", "items": {"type": "object"}},
            "recipients": {"type": "array", "items": {"type": "string"}},
            "warnings": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def openapi_path(rule: str) -> tuple[str, list[str]]:
    """``/api/v1/documents/<int:document_id>`` → ``/api/v1/documents/{document_id}``, names."""
    names: list[str] = []

    def repl(match: re.Match) -> str:
        names.append(match.group("name"))
        return "{" + match.group("name") + "}"

    return _CONVERTER.sub(repl, rule), names


def api_rules(app: Flask):
    """The API's rules, in a stable order."""
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX)]
    return sorted(rules, key=lambda r: (r.rule, r.endpoint))


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="vanthu API",
        version="1",
        openapi_version="3.0.3",
        info={"description": "Đọc văn bản hành chính: tải lên, theo dõi xử lý, kết quả trích xuất, "
                             "lịch nhiệm vụ. Reads Vietnamese administrative documents."},
        servers=[{"url": "/"}],
        security=[{"bearerAuth": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    spec.components.response("Error", {
        "description": "Error, with the message in Vietnamese and English.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    })
    paths: dict[str, dict[str, Any]] = {}
    for rule in api_rules(app):
        path, names = openapi_path(rule.rule)
        view = app.view_functions[rule.endpoint]
        doc = view.__doc__ or ""
        declared_yaml = load_yaml_from_docstring(doc) if doc else {}
        summary = doc.strip().splitlines()[0].strip() if doc.strip() else rule.endpoint
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            # the docstring's YAML is the operation itself, or one operation per method key
            per_method = declared_yaml.get(method.lower())
            op = dict(per_method if isinstance(per_method, dict)
                      else {k: v for k, v in declared_yaml.items() if k not in PATH_KEYS})
            op.setdefault("summary", summary)
            op.setdefault("operationId", rule.endpoint.replace(".", "_") + "_" + method.lower())
            op.setdefault("responses", {"200": {"description": "OK"}})
            declared = {p.get("name") for p in op.get("parameters", []) if p.get("in") == "path"}
            params = list(op.get("parameters", []))
            for name in names:
                if name not in declared:
                    params.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
            if params:
                op["parameters"] = params
            paths.setdefault(path, {})[method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
