"""The web application: ``create_app(config=None)`` builds it from the environment.

| variable | default | meaning |
| --- | --- | --- |
| ``VANTHU_HOME`` | ``./var`` | state; the generated secret key lives in ``$VANTHU_HOME/secret_key`` |
| ``VANTHU_SECRET_KEY`` | generated once | Flask session signing |
| ``VANTHU_MAX_UPLOAD_MB`` | 50 | request size limit (413 above it) |
| ``VANTHU_COOKIE_SECURE`` | 1 | ``Secure`` flag on the session cookie; 0 only for plain HTTP on a LAN |
| ``VANTHU_LOGIN_LIMIT`` | ``20 per minute`` | login attempts per client address |
| ``VANTHU_LOGIN_USER_LIMIT`` | ``5 per minute`` | failed login attempts per user name |
| ``VANTHU_RATELIMIT_STORAGE`` | ``memory://`` | Flask-Limiter storage |

``config`` overrides any key after the environment is read (tests use it).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template

from service.auth import wants_json

TOO_LARGE_VI = "Tệp quá lớn: giới hạn tải lên là {mb} MB."
TOO_LARGE_EN = "The file is too large: the upload limit is {mb} MB."


def _home() -> Path:
    try:
        from store.config import home
    except ImportError:  # pragma: no cover - store not installed yet
        return Path(os.environ.get("VANTHU_HOME", "./var"))
    return home()


def secret_key(home: Path) -> str:
    """``VANTHU_SECRET_KEY``, else a key generated once into ``$VANTHU_HOME/secret_key`` (mode 600)."""
    key = os.environ.get("VANTHU_SECRET_KEY")
    if key:
        return key
    path = home / "secret_key"
    if path.exists():
        return path.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    new = secrets.token_hex(32)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(new)
    try:
        os.link(tmp, path)  # first writer wins when two processes start together
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "off", "")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    home = _home()
    max_mb = float(os.environ.get("VANTHU_MAX_UPLOAD_MB", "50"))
    app.config.update(
        VANTHU_HOME=str(home),
        VANTHU_MAX_UPLOAD_MB=max_mb,
        MAX_CONTENT_LENGTH=int(max_mb * 1024 * 1024),
        SESSION_COOKIE_NAME="vanthu_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_flag("VANTHU_COOKIE_SECURE", True),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=_flag("VANTHU_COOKIE_SECURE", True),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        VANTHU_LOGIN_LIMIT=os.environ.get("VANTHU_LOGIN_LIMIT", "20 per minute"),
        VANTHU_LOGIN_USER_LIMIT=os.environ.get("VANTHU_LOGIN_USER_LIMIT", "5 per minute"),
        RATELIMIT_STORAGE_URI=os.environ.get("VANTHU_RATELIMIT_STORAGE", "memory://"),
        RATELIMIT_HEADERS_ENABLED=True,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if config:
        app.config.update(config)
        if "VANTHU_MAX_UPLOAD_MB" in config and "MAX_CONTENT_LENGTH" not in config:
            app.config["MAX_CONTENT_LENGTH"] = int(float(config["VANTHU_MAX_UPLOAD_MB"]) * 1024 * 1024)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(home)

    from service import api, auth, checks, consolidations, drafts, templates_admin, web

    auth.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(checks.bp)
    app.register_blueprint(drafts.bp)
    app.register_blueprint(consolidations.bp)
    app.register_blueprint(templates_admin.bp)
    auth.csrf.exempt(api.bp)  # the API checks CSRF itself when a browser session writes

    _error_pages(app)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        return response

    return app


_PAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ", "Bad request."),
    403: ("forbidden", "Không được phép", "Forbidden."),
    404: ("not_found", "Không tìm thấy", "Not found."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ", "Method not allowed."),
    429: ("too_many_requests", "Thử quá nhiều lần", "Too many requests."),
    500: ("internal_error", "Lỗi máy chủ", "Internal server error."),
}
_MESSAGES_VI = {
    400: "Yêu cầu không hợp lệ.",
    403: "Vai trò của bạn không được làm việc này.",
    404: "Không tìm thấy trang hoặc văn bản này.",
    405: "Phương thức không được hỗ trợ.",
    429: "Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại.",
    500: "Máy chủ gặp lỗi. Vui lòng thử lại sau.",
}


def _error_pages(app: Flask) -> None:
    def too_large(_exc):
        mb = app.config["VANTHU_MAX_UPLOAD_MB"]
        mb_text = f"{mb:g}"
        vi, en = TOO_LARGE_VI.format(mb=mb_text), TOO_LARGE_EN.format(mb=mb_text)
        if wants_json():
            return jsonify(error={"code": "too_large", "vi": vi, "en": en}), 413
        return render_template("error.html", code=413, title="Tệp quá lớn", message=f"{vi} / {en}"), 413

    app.register_error_handler(413, too_large)

    def handler(status: int):
        code, title, en = _PAGES[status]

        def handle(_exc):
            vi = _MESSAGES_VI[status]
            if wants_json():
                return jsonify(error={"code": code, "vi": vi, "en": en}), status
            return render_template("error.html", code=status, title=title, message=vi), status

        return handle

    for status in _PAGES:
        app.register_error_handler(status, handler(status))
