"""Who is asking: login and logout for pages, bearer tokens for the API, roles, unit isolation.

Pages use Flask-Login sessions; the JSON API takes ``Authorization: Bearer TOKEN``
(also the browser's own session, with a CSRF token on anything that writes).
Passwords are stored with werkzeug's salted hash, API tokens as their SHA-256
(a token is 256 random bits, so a fast hash is enough and lookup stays an index hit).

Every document is looked up through :func:`unit_document`, which filters on the
caller's unit: a document of another unit is *not found* (404), never forbidden,
so ids of other units leak nothing.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("clerk", "leader", "admin")
ROLE_VI = {"clerk": "văn thư", "leader": "lãnh đạo", "admin": "quản trị"}
#: who may upload documents; leaders read.
UPLOAD_ROLES = ("clerk", "admin")

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()
# Flask-Limiter with in-memory storage by default (RATELIMIT_STORAGE_URI, set by the app
# factory from VANTHU_RATELIMIT_STORAGE): the counts live in the one web process
# ``vanthu serve`` runs; several web processes would share a redis:// storage.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# ---------------------------------------------------------------- users

@dataclass(frozen=True)
class CurrentUser(UserMixin):
    """What a request knows about its user: a plain value, never a live ORM row."""

    id: int
    username: str
    role: str
    unit_id: int
    unit_code: str
    unit_name: str

    def get_id(self) -> str:
        return str(self.id)

    @property
    def role_vi(self) -> str:
        return ROLE_VI.get(self.role, self.role)

    @property
    def can_upload(self) -> bool:
        return self.role in UPLOAD_ROLES


def _current(user: Any, unit: Any) -> CurrentUser:
    return CurrentUser(user.id, user.username, user.role, unit.id, unit.code, unit.name)


def _load(where) -> CurrentUser | None:
    from store.db import session
    from store.models import Unit, User

    with session() as s:
        row = s.execute(select(User, Unit).join(Unit, User.unit_id == Unit.id).where(where)).first()
        return _current(*row) if row else None


@login_manager.user_loader
def _load_user(user_id: str) -> CurrentUser | None:
    from store.models import User

    try:
        return _load(User.id == int(user_id))
    except ValueError:
        return None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return "vt_" + secrets.token_urlsafe(32)


def create_user(username: str, unit_code: str, role: str, password: str | None = None):
    """Create a user in unit ``unit_code`` (the unit is created when new).

    Returns ``(user, password, api_token)``: the password (generated when not
    given) and the token are shown once and stored only as hashes. The user is
    a detached row with its columns loaded.
    """
    from store.db import session
    from store.models import Unit, User

    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not username or not unit_code:
        raise ValueError("username and unit are required")
    password = password or secrets.token_urlsafe(12)
    token = new_token()
    with session() as s:
        if s.execute(select(User).where(User.username == username)).scalar_one_or_none():
            raise ValueError(f"user {username!r} already exists")
        unit = s.execute(select(Unit).where(Unit.code == unit_code)).scalar_one_or_none()
        if unit is None:
            unit = Unit(code=unit_code, name=unit_code)
            s.add(unit)
            s.flush()
        user = User(username=username, password_hash=generate_password_hash(password),
                    unit_id=unit.id, role=role, token_hash=hash_token(token))
        s.add(user)
        s.flush()
        s.refresh(user)
        s.expunge(user)
    return user, password, token


def reset_token(username: str) -> str:
    """Give ``username`` a new API token (the old one stops working) and return it."""
    from store.db import session
    from store.models import User

    token = new_token()
    with session() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise ValueError(f"no user {username!r}")
        user.token_hash = hash_token(token)
    return token


def _check_password(username: str, password: str) -> CurrentUser | None:
    from store.db import session
    from store.models import Unit, User

    with session() as s:
        row = s.execute(select(User, Unit).join(Unit, User.unit_id == Unit.id)
                        .where(User.username == username)).first()
        if row is None:
            # same work as a real check, so timing does not tell which names exist
            check_password_hash(_DUMMY_HASH, password)
            return None
        user, unit = row
        if not check_password_hash(user.password_hash, password):
            return None
        return _current(user, unit)


_DUMMY_HASH = generate_password_hash("vanthu-dummy-password")


def user_for_token(token: str) -> CurrentUser | None:
    from store.models import User

    return _load(User.token_hash == hash_token(token)) if token else None


# ---------------------------------------------------------------- API authentication

def wants_json() -> bool:
    """API paths, and page requests whose Accept prefers JSON (the upload page's XHR)."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    best = accept.best_match(["application/json", "text/html"])
    return best == "application/json" and accept[best] > accept["text/html"]


def api_error(http_status: int, code: str, vi: str, en: str, **extra: Any):
    """The API's one error shape: ``{"error": {"code", "vi", "en"}}`` with HTTP status ``http_status``."""
    body = {"error": {"code": code, "vi": vi, "en": en}, **extra}
    return jsonify(body), http_status


def api_user() -> CurrentUser | None:
    """The API caller: a bearer token, else the browser's session (CSRF-checked on writes)."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return user_for_token(token.strip())
    if current_user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()  # a cookie alone must not be able to write
        return current_user._get_current_object()
    return None


def api_login_required(view):
    """Decorator for API views: 401 without valid credentials; the user is in ``g.user``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        user = api_user()
        if user is None:
            response, status = api_error(
                401, "unauthorized", "Cần đăng nhập hoặc mã truy cập API (Authorization: Bearer …).",
                "Authentication required: send Authorization: Bearer TOKEN.")
            response.headers["WWW-Authenticate"] = 'Bearer realm="vanthu"'
            return response, status
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str, api: bool = False):
    """Decorator: only these roles (after authentication)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = g.get("user") or current_user
            if user.role not in roles:
                if api:
                    return api_error(403, "forbidden", "Vai trò của bạn không được làm việc này.",
                                     "Your role may not do this.")
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def unit_document(document_id: int, user: CurrentUser, s) -> Any | None:
    """The document ``document_id`` if it belongs to ``user``'s unit, else None (→ 404)."""
    from store.models import Document

    return s.execute(select(Document).where(Document.id == document_id,
                                            Document.unit_id == user.unit_id)).scalar_one_or_none()


# ---------------------------------------------------------------- pages: login / logout

def _login_limit() -> str:
    return current_app.config["VANTHU_LOGIN_LIMIT"]


def _login_user_limit() -> str:
    return current_app.config["VANTHU_LOGIN_USER_LIMIT"]


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: no open redirect through ?next=."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("web.documents")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_user_limit, key_func=_username_key, methods=["POST"], deduct_when=_failed)
def login():
    """Đăng nhập: username and password form (CSRF-protected, rate-limited)."""
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    error = None
    username = ""
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        user = _check_password(username, password) if username and password else None
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next") or request.form.get("next")))
        error = "Tên đăng nhập hoặc mật khẩu không đúng."
    status = 401 if error else 200
    return render_template("login.html", error=error, username=username,
                           next=request.args.get("next", "")), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Đăng xuất (POST with the CSRF token, so a link elsewhere cannot log a clerk out)."""
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


# ---------------------------------------------------------------- wiring

def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        if wants_json():
            return api_error(400, "csrf", "Thiếu hoặc sai mã chống giả mạo (CSRF); hãy tải lại trang.",
                             f"CSRF check failed: {exc.description}")
        return render_template("error.html", code=400, title="Phiên làm việc đã hết hạn",
                               message="Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). "
                                       "Hãy tải lại trang rồi thử lại."), 400
