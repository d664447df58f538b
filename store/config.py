"""Where the service keeps its state, read from the environment (docs/SERVICE.md, "Configuration").

- ``VANTHU_HOME`` (default ``./var``): database file, blobs, embedded Redis data.
- ``DATABASE_URL`` (default ``sqlite:///$VANTHU_HOME/vanthu.db``): a SQLAlchemy URL.
  ``postgresql://`` and ``postgres://`` URLs without a driver are read as
  ``postgresql+psycopg://`` (psycopg 3 is the driver the service installs).

Both are read at every call, never cached, so tests and the CLI can change them.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = "./var"


def home() -> Path:
    """The state directory ``$VANTHU_HOME`` as an absolute path (not created here)."""
    return Path(os.environ.get("VANTHU_HOME") or DEFAULT_HOME).expanduser().resolve()


def database_url() -> str:
    """The SQLAlchemy URL: ``$DATABASE_URL``, else a SQLite file under :func:`home`."""
    url = (os.environ.get("DATABASE_URL") or "").strip()
    if not url:
        return f"sqlite:///{home() / 'vanthu.db'}"
    return normalize_url(url)


def normalize_url(url: str) -> str:
    """``postgres://`` / ``postgresql://`` (no driver) become ``postgresql+psycopg://``."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
