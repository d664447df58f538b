"""store/: models, migrations, sessions, blobs, add_document.

Every test runs twice: on SQLite (a file in tmp_path) and on a real PostgreSQL started for the
test session by tests/pg.py (a fresh database per test). PostgreSQL missing is a failure that
names the Debian package, never a skip.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import threading
import traceback
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from store import blobs, config, db, documents
from store.documents import add_document
from store.models import Base, Document, Draft, Extraction, Job, Unit, User, utcnow
from tests import pg

TABLES = {"units", "users", "documents", "jobs", "extractions", "drafts", "registry_entries", "registry_relations",
          "registry_meta", "unit_templates", "consolidations"}
BACKENDS = ["sqlite", "postgresql"]
CHILD_TIMEOUT_S = 120  # a guard against hangs, not an assertion about speed


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def pg_server():
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(pg.postgresql_server())
        except pg.PostgresMissing as e:
            pytest.fail(str(e), pytrace=False)
        yield server


@dataclass
class StoreEnv:
    backend: str
    url: str
    home: Path


@pytest.fixture(params=BACKENDS)
def store_env(request, tmp_path, monkeypatch):
    """VANTHU_HOME and DATABASE_URL pointing at an empty database of the parametrized backend."""
    backend = request.param
    home = tmp_path / "home"
    server = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'vanthu.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database()
    monkeypatch.setenv("VANTHU_HOME", str(home))
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        yield StoreEnv(backend, url, home)
    finally:
        db.dispose_engines()
        if server is not None:
            server.drop_database(url)


@pytest.fixture
def migrated(store_env):
    db.migrate()
    return store_env


def _unit(code: str = "UBND-HN", name: str = "Ủy ban nhân dân thành phố Hà Nội") -> int:
    with db.session() as s:
        unit = Unit(code=code, name=name)
        s.add(unit)
        s.flush()
        return unit.id


# ---------------------------------------------------------------- helpers for child processes


def _child_migrate(url: str, barrier, results) -> None:
    try:
        barrier.wait(timeout=CHILD_TIMEOUT_S)
        db.migrate(url)
        results.put(("ok", None, None))
    except BaseException:
        results.put(("error", traceback.format_exc(), None))


def _child_add(url: str, home: str, unit_id: int, data: bytes, barrier, results) -> None:
    os.environ["VANTHU_HOME"] = home
    os.environ["DATABASE_URL"] = url
    try:
        db.engine().connect().close()  # connect before the barrier so the inserts collide
        barrier.wait(timeout=CHILD_TIMEOUT_S)
        with db.session() as s:
            doc, created = add_document(s, unit_id, data, "cv.pdf", "application/pdf")
            doc_id = doc.id
        results.put(("ok", doc_id, created))
    except BaseException:
        results.put(("error", traceback.format_exc(), None))


def _run_children(target, args_for, n: int) -> list[tuple]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(i), barrier, results)) for i in range(n)]
    try:
        for p in procs:
            p.start()
        out = [results.get(timeout=CHILD_TIMEOUT_S) for _ in procs]
        for p in procs:
            p.join(CHILD_TIMEOUT_S)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join()
    errors = [r[1] for r in out if r[0] == "error"]
    assert not errors, "\n".join(errors)
    assert [p.exitcode for p in procs] == [0] * n
    return out


# ---------------------------------------------------------------- config and migrations


def test_config_reads_environment(store_env, monkeypatch):
    assert config.home() == store_env.home.resolve()
    assert config.database_url() == store_env.url
    assert db.engine().dialect.name == store_env.backend
    assert db.engine() is db.engine()
    monkeypatch.delenv("DATABASE_URL")
    assert config.database_url() == f"sqlite:///{store_env.home.resolve() / 'vanthu.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p%40ss@db.example:5432/vanthu")
    assert config.database_url() == "postgresql+psycopg://u:p%40ss@db.example:5432/vanthu"


def test_migrate_from_empty_database(store_env):
    eng = db.engine()
    assert set(inspect(eng).get_table_names()) == set()

    db.migrate()
    assert set(inspect(eng).get_table_names()) == TABLES | {"alembic_version"}
    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    with eng.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
        # The migration creates exactly what the models describe.
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []

    db.migrate()  # a second run is a no-op
    with eng.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head

    db.downgrade("base")
    assert set(inspect(eng).get_table_names()) & TABLES == set()
    db.migrate()
    assert set(inspect(eng).get_table_names()) >= TABLES


def test_migrate_concurrently_from_two_processes(store_env):
    out = _run_children(_child_migrate, lambda i: (store_env.url,), 3)
    assert [r[0] for r in out] == ["ok"] * 3
    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    with db.engine().connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    assert set(inspect(db.engine()).get_table_names()) == TABLES | {"alembic_version"}


# ---------------------------------------------------------------- sessions and models


def test_session_commits_on_success_and_rolls_back_on_error(migrated):
    with db.session() as s:
        s.add(Unit(code="A", name="Phòng A"))
    with pytest.raises(RuntimeError, match="boom"), db.session() as s:
        s.add(Unit(code="B", name="Phòng B"))
        s.flush()
        raise RuntimeError("boom")
    with db.session() as s:
        assert s.scalars(select(Unit.code).order_by(Unit.code)).all() == ["A"]


def test_units_and_users_crud_and_relations(migrated):
    hn = _unit("UBND-HN", "Ủy ban nhân dân thành phố Hà Nội")
    hcm = _unit("UBND-HCM", "Ủy ban nhân dân Thành phố Hồ Chí Minh")
    with db.session() as s:
        s.add_all([
            User(username="lan", password_hash="h1", unit_id=hn, role="clerk"),
            User(username="minh", password_hash="h2", unit_id=hn, role="leader", token_hash="t2"),
            User(username="an", password_hash="h3", unit_id=hcm, role="admin"),
        ])

    with db.session() as s:
        unit = s.scalars(select(Unit).where(Unit.code == "UBND-HN")).one()
        assert unit.name == "Ủy ban nhân dân thành phố Hà Nội"
        assert sorted(u.username for u in unit.users) == ["lan", "minh"]
        minh = s.scalars(select(User).where(User.token_hash == "t2")).one()
        assert (minh.username, minh.role, minh.unit.code) == ("minh", "leader", "UBND-HN")
        lan = s.scalars(select(User).where(User.username == "lan")).one()
        assert lan.token_hash is None
        lan.role = "admin"
        lan.unit_id = hcm
    with db.session() as s:
        lan = s.scalars(select(User).where(User.username == "lan")).one()
        assert (lan.role, lan.unit.code) == ("admin", "UBND-HCM")
        s.delete(lan)
    with db.session() as s:
        assert sorted(s.scalars(select(User.username))) == ["an", "minh"]
        s.get(Unit, hcm).name = "UBND TP. Hồ Chí Minh"
    with db.session() as s:
        assert s.get(Unit, hcm).name == "UBND TP. Hồ Chí Minh"

    violations = [
        Unit(code="UBND-HN", name="trùng mã"),  # unique code
        User(username="minh", password_hash="x", unit_id=hn),  # unique username
        User(username="x", password_hash="x", unit_id=hn, token_hash="t2"),  # unique token hash
        User(username="y", password_hash="x", unit_id=hn, role="superuser"),  # role CHECK
        User(username="z", password_hash="x", unit_id=999_999),  # foreign key
    ]
    for obj in violations:
        with pytest.raises(IntegrityError), db.session() as s:
            s.add(obj)
    with pytest.raises(IntegrityError), db.session() as s:  # a unit with users cannot go
        s.execute(delete(Unit).where(Unit.id == hn))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 2
        assert s.scalar(select(func.count()).select_from(Unit)) == 2


def test_documents_jobs_extractions_drafts_crud(migrated):
    unit_id = _unit()
    data = b"%PDF-1.4 cong van so 12/UBND-VP"
    with db.session() as s:
        doc, created = add_document(s, unit_id, data, "Công văn 12.pdf", "application/pdf")
        assert created and doc.id is not None
        doc_id = doc.id
        s.add(Job(document_id=doc_id, rq_id="rq-1", kind="extract"))
        s.add(Extraction(document_id=doc_id, data={"schema": "vanthu.extraction/1", "doc_type": "cong_van"}))
        draft_sha = blobs.put(b"du thao")
        s.add(Draft(unit_id=unit_id, document_id=doc_id, kind="reply", template="phieu_tom_tat", context={},
                    blob_sha256=draft_sha))

    with db.session() as s:
        doc = s.get(Document, doc_id)
        assert (doc.unit_id, doc.sha256, doc.size) == (unit_id, hashlib.sha256(data).hexdigest(), len(data))
        assert (doc.filename, doc.media_type) == ("Công văn 12.pdf", "application/pdf")
        assert (doc.status, doc.stage, doc.progress_done, doc.progress_total) == ("queued", None, 0, 0)
        assert doc.unit.documents == [doc]
        [job] = doc.jobs
        assert (job.rq_id, job.kind, job.status, job.attempts, job.finished_at, job.error) == (
            "rq-1", "extract", "queued", 0, None, None)
        assert job.document is doc
        assert doc.extraction.data["doc_type"] == "cong_van"
        assert [d.blob_sha256 for d in doc.drafts] == [draft_sha]
        assert blobs.get(doc.drafts[0].blob_sha256) == b"du thao"

        doc.status, doc.stage, doc.progress_done, doc.progress_total = "done", "extract", 3, 3
        doc.doc_type, doc.issuer, doc.ref = "cong_van", "UBND thành phố Hà Nội", "12/UBND-VP"
        doc.doc_date, doc.subject, doc.text = date(2024, 3, 15), "V/v báo cáo", "Kính gửi: ..."
        job.status, job.attempts, job.finished_at = "finished", 1, utcnow()
        doc.extraction.data = {"schema": "vanthu.extraction/1", "doc_type": "quyet_dinh"}
        s.add(Job(document_id=doc_id, kind="draft"))

    with db.session() as s:
        doc = s.get(Document, doc_id)
        assert (doc.status, doc.progress_done, doc.doc_date, doc.ref) == ("done", 3, date(2024, 3, 15), "12/UBND-VP")
        assert [(j.kind, j.status) for j in doc.jobs] == [("extract", "finished"), ("draft", "queued")]
        assert doc.extraction.data["doc_type"] == "quyet_dinh"
        for bad in ({"status": "paused"}, {"kind": "print"}):
            with pytest.raises(IntegrityError), s.begin_nested():
                if "status" in bad:
                    doc.status = bad["status"]
                else:
                    s.add(Job(document_id=doc_id, kind=bad["kind"]))
                s.flush()
        s.delete(doc)  # ORM cascade

    with db.session() as s:
        for model in (Document, Job, Extraction, Draft):
            assert s.scalar(select(func.count()).select_from(model)) == 0

    # ON DELETE CASCADE in the database itself (SQLite needs foreign_keys=ON for it).
    with db.session() as s:
        doc, _ = add_document(s, unit_id, data, "a.pdf", "application/pdf")
        s.add(Job(document_id=doc.id))
        s.add(Extraction(document_id=doc.id, data={}))
        s.add(Draft(unit_id=unit_id, document_id=doc.id, kind="reply", template="phieu_tom_tat", context={},
                    blob_sha256=draft_sha))
    with db.session() as s:
        s.execute(delete(Document.__table__))
    with db.session() as s:
        for model in (Job, Extraction, Draft):
            assert s.scalar(select(func.count()).select_from(model)) == 0


# ---------------------------------------------------------------- add_document


def test_add_document_dedupes_per_unit(migrated):
    a, b = _unit("A", "Phòng A"), _unit("B", "Phòng B")
    data = b"the same bytes"
    with db.session() as s:
        first, created1 = add_document(s, a, data, "one.pdf", "application/pdf")
    with db.session() as s:
        again, created2 = add_document(s, a, data, "two.pdf", "application/pdf")
        other_unit, created3 = add_document(s, b, data, "three.pdf", "application/pdf")
        other_bytes, created4 = add_document(s, a, data + b"!", "four.pdf", "application/pdf")
    assert (created1, created2, created3, created4) == (True, False, True, True)
    assert again.id == first.id and again.filename == "one.pdf"
    assert len({first.id, other_unit.id, other_bytes.id}) == 3
    assert blobs.get(first.sha256) == data
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 3


def test_add_document_takes_the_existing_row_on_unique_violation(migrated, monkeypatch):
    """The insert path loses to a row committed by someone else: the caller's session survives."""
    unit_id = _unit()
    data = b"raced bytes"
    with db.session() as s:
        winner, _ = add_document(s, unit_id, data, "winner.pdf", "application/pdf")

    real_find = documents._find
    calls = []

    def stale_find(session, unit_id, sha):
        calls.append(sha)
        return None if len(calls) == 1 else real_find(session, unit_id, sha)  # first look misses

    monkeypatch.setattr(documents, "_find", stale_find)
    with db.session() as s:
        s.add(Unit(code="OTHER", name="đơn vị khác"))  # earlier work in the same transaction
        s.flush()
        doc, created = add_document(s, unit_id, data, "loser.pdf", "application/pdf")
        assert (doc.id, created, doc.filename) == (winner.id, False, "winner.pdf")
    assert len(calls) == 2
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1
        assert s.scalars(select(Unit.code).order_by(Unit.code)).all() == ["OTHER", "UBND-HN"]

    with pytest.raises(IntegrityError), db.session() as s:  # other integrity errors still raise
        add_document(s, 999_999, b"no such unit", "x.pdf", "application/pdf")


def test_add_document_race_between_threads(migrated):
    unit_id = _unit()
    n = 8
    barrier = threading.Barrier(n)
    results: list[tuple[int, bool]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            with db.session() as s:
                s.connection()  # hold a connection before the barrier so the inserts collide
                barrier.wait(timeout=CHILD_TIMEOUT_S)
                doc, created = add_document(s, unit_id, b"same upload", "cv.pdf", "application/pdf")
                doc_id = doc.id
            with lock:
                results.append((doc_id, created))
        except BaseException:
            with lock:
                errors.append(traceback.format_exc())
            barrier.abort()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(CHILD_TIMEOUT_S)
    assert not errors, "\n".join(errors)
    assert len(results) == n
    assert len({doc_id for doc_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1


def test_add_document_race_between_processes(migrated):
    unit_id = _unit()
    n = 4
    out = _run_children(
        _child_add, lambda i: (migrated.url, str(migrated.home), unit_id, b"same upload, many processes"), n
    )
    assert len({r[1] for r in out}) == 1
    assert sum(r[2] for r in out) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1


# ---------------------------------------------------------------- blobs


def test_blobs_round_trip_and_sharded_path(store_env):
    data = "Quyết định số 15/QĐ-UBND".encode() * 100
    sha = blobs.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    where = blobs.path(sha)
    assert where == store_env.home.resolve() / "blobs" / sha[:2] / sha[2:4] / sha
    assert where.is_file() and where.read_bytes() == data
    assert blobs.get(sha) == data
    assert blobs.put(data) == sha  # idempotent
    assert blobs.put(b"") == hashlib.sha256(b"").hexdigest() and blobs.get(hashlib.sha256(b"").hexdigest()) == b""
    assert [p.name for p in where.parent.iterdir()] == [sha]  # no temporary files left behind

    missing = hashlib.sha256(b"never stored").hexdigest()
    with pytest.raises(blobs.BlobNotFound, match=missing) as info:
        blobs.get(missing)
    assert isinstance(info.value, FileNotFoundError)
    for bad in ("../../etc/passwd", sha.upper(), sha[:-1], ""):
        with pytest.raises(ValueError):
            blobs.path(bad)


def test_blob_write_is_atomic(store_env, monkeypatch):
    """A write that fails midway leaves neither the blob nor a temporary file."""
    data = b"half written"
    sha = hashlib.sha256(data).hexdigest()

    def failing_replace(src, dst):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(os, "replace", failing_replace)
        with pytest.raises(OSError, match="disk full"):
            blobs.put(data)
    assert blobs.path(sha).is_relative_to(store_env.home.resolve())
    assert not blobs.path(sha).exists()
    assert list(blobs.path(sha).parent.iterdir()) == []
    assert blobs.put(data) == sha and blobs.get(sha) == data


# ---------------------------------------------------------------- JSON and timestamps


def test_extraction_json_round_trip_vietnamese_nfc(migrated):
    subject = "V/v tăng cường công tác phòng, chống thiên tai năm 2024"
    data = {
        "schema": "vanthu.extraction/1",
        "doc_type": "quyet_dinh",
        "issuer": "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "ref": "15/QĐ-UBND",
        "date": "2024-03-15",
        "subject": subject,
        "recipients": ["Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Lưu: VT, KTTH"],
        "tasks": [{"owner": "Giám đốc Sở Nội vụ", "deadline": None, "done": False, "score": 0.75}],
    }
    for value in (data["issuer"], subject, *data["recipients"]):
        assert unicodedata.is_normalized("NFC", value)  # the input really is NFC
    unit_id = _unit()
    with db.session() as s:
        doc, _ = add_document(s, unit_id, b"qd", "qd.pdf", "application/pdf")
        s.add(Extraction(document_id=doc.id, data=data))
        doc_id = doc.id
    db.dispose_engines()  # read back over a new connection

    with db.session() as s:
        back = s.get(Extraction, doc_id).data
        raw = s.execute(text("SELECT CAST(data AS TEXT) FROM extractions")).scalar_one()
    assert back == data
    assert list(back) == list(data)
    for value in (back["issuer"], back["subject"], *back["recipients"]):
        assert unicodedata.is_normalized("NFC", value)
    assert "Ủy ban nhân dân tỉnh Quảng Ngãi" in raw  # stored as text, not \u escapes


def test_timestamps_are_timezone_aware_utc(migrated):
    unit_id = _unit()
    before = utcnow()
    with db.session() as s:
        doc, _ = add_document(s, unit_id, b"t", "t.pdf", "application/pdf")
        ict = timezone(timedelta(hours=7))
        finished = datetime(2024, 3, 15, 8, 30, 0, 123456, tzinfo=ict)
        s.add(Job(document_id=doc.id, finished_at=finished))
        doc_id = doc.id
    after = utcnow()
    db.dispose_engines()

    before_read = utcnow()
    with db.session() as s:
        if migrated.backend == "postgresql":
            s.execute(text("SET TIME ZONE 'Asia/Ho_Chi_Minh'"))  # the session zone must not leak
        doc = s.get(Document, doc_id)
        job = doc.jobs[0]
        for value in (doc.created_at, job.created_at, job.finished_at):
            assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
        assert before <= doc.created_at <= after
        assert job.finished_at == finished
        assert job.finished_at.replace(tzinfo=None) == datetime(2024, 3, 15, 1, 30, 0, 123456)

        # The database default (rows written without the ORM) is UTC too.
        s.execute(
            text("INSERT INTO drafts (unit_id, document_id, kind, template, title, context, blob_sha256)"
                 " VALUES (:u, :d, 'reply', 'phieu_tom_tat', '', '{}', :sha)"),
            {"u": doc.unit_id, "d": doc_id, "sha": "0" * 64},
        )
        draft = s.scalars(select(Draft)).one()
        assert draft.created_at.tzinfo is not None and draft.created_at.utcoffset() == timedelta(0)
        # UTC, not shifted by the session zone (SQLite's CURRENT_TIMESTAMP has whole seconds).
        assert before_read.replace(microsecond=0) <= draft.created_at <= utcnow()

    with pytest.raises(StatementError, match="naive datetime"), db.session() as s:
        s.add(Job(document_id=doc_id, finished_at=datetime(2024, 1, 1, 12, 0)))
        s.flush()
    assert utcnow().tzinfo is UTC
