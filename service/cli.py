"""The ``vanthu`` command: one sub-command per job a clerk or an admin runs."""

from __future__ import annotations

import json
import sys

import click

from worker.errors import ReadError

_STAGES_VI = {"read": "đọc tệp", "ocr": "nhận dạng chữ (OCR) trang", "convert": "chuyển đổi định dạng",
              "layout": "dựng đoạn văn", "pages": "đọc trang"}


def _progress(stage: str, done: int, total: int) -> None:
    """Progress on stderr, in Vietnamese, only when a person is watching."""
    if sys.stderr.isatty():
        label = _STAGES_VI.get(stage, stage)
        click.echo(f"\r{label} {done}/{total}   ", err=True, nl=done >= total)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vanthu")
def main() -> None:
    """vanthu: read Vietnamese administrative documents and draft the next ones."""


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print {source, text, blocks} as JSON for programs.")
def read(file: str, as_json: bool) -> None:
    """Read FILE (Word, .doc/.odt/.rtf, PDF, scan, image, text) and print its text and outline."""
    from worker.readers import read_path

    try:
        result = read_path(file, progress=_progress)
    except ReadError as exc:
        click.echo(f"Lỗi / Error [{exc.code}]: {exc.message}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(result.text)
    click.echo("\n" + "─" * 60)
    src = result.source
    ocr = " · OCR" if src.ocr else ""
    click.echo(f"{src.format} · {src.pages} trang{ocr} · {len(result.blocks)} khối")
    for block in result.blocks:
        if block.kind == "page_break":
            click.echo(f"  ── trang {block.page} ──")
            continue
        preview = block.text.replace("\n", " ⏎ ").replace("\t", " | ")
        extra = f" {len(block.rows or [])}×{max((len(r) for r in block.rows or []), default=0)}" if block.rows else ""
        click.echo(f"  [{block.kind}{extra} p{block.page} {block.start}-{block.end}] {preview[:90]}")
    for warning in result.warnings:
        click.echo(f"! {warning}", err=True)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the vanthu.extraction/1 object (shared contract).")
def extract(file: str, as_json: bool) -> None:
    """Understand FILE: identity, cited documents, dates, tasks, outline and recipients."""
    from pathlib import Path

    from worker.analyze import analyze

    path = Path(file)
    try:
        data = analyze(path.read_bytes(), filename=path.name, progress=_progress)
    except ReadError as exc:
        click.echo(f"Lỗi / Error [{exc.code}]: {exc.message}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    _print_summary(data)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to bind.")
@click.option("--threads", default=8, show_default=True, type=int, help="Web server threads.")
def serve(host: str, port: int, threads: int) -> None:
    """Run the web app and one worker; start a local Redis under VANTHU_HOME when none answers."""
    import os
    import signal

    from waitress import serve as waitress_serve

    from service.app import create_app
    from service.runtime import start_worker_process, stop_process
    from store.db import migrate
    from store.registry import ensure_seeded
    from worker.queue import ensure_redis

    # SIGTERM (systemd, docker, kill) must stop the worker and the embedded Redis too:
    # turn it into SystemExit so the finally below and atexit handlers run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    migrate()
    ensure_seeded()
    _first_admin()
    os.environ["REDIS_URL"] = ensure_redis()
    worker = start_worker_process()
    click.echo(f"vanthu: http://{host}:{port}/ (Redis {os.environ['REDIS_URL']})", err=True)
    try:
        waitress_serve(create_app(), host=host, port=port, threads=threads)
    finally:
        stop_process(worker)


def _first_admin() -> None:
    """On a fresh install, create an admin so someone can log in; print the password once."""
    from sqlalchemy import func, select

    from service.auth import create_user
    from store.db import session
    from store.models import User

    with session() as db:
        if db.scalar(select(func.count()).select_from(User)):
            return
    _, password, token = create_user("admin", "default", "admin")
    click.echo(f"vanthu: tài khoản quản trị mới / new admin account: admin / {password}", err=True)
    click.echo(f"vanthu: API token: {token}", err=True)


@main.command()
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
def worker(burst: bool) -> None:
    """Run one worker that reads and extracts queued documents (start as many as you like, on any host)."""
    from service.runtime import run_worker

    run_worker(burst=burst)


@main.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.argument("name")
@click.option("--unit", required=True, help="Unit code (đơn vị); created when new.")
@click.option("--role", type=click.Choice(["clerk", "leader", "admin"]), default="clerk", show_default=True)
def user_add(name: str, unit: str, role: str) -> None:
    """Create a user and print the password and the API token (shown once)."""
    from service.auth import create_user
    from store.db import migrate

    migrate()
    _, password, token = create_user(name, unit, role)
    click.echo(f"password: {password}")
    click.echo(f"token: {token}")


@main.command()
@click.argument("template")
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .docx to write.")
def render(template: str, data: str, output: str) -> None:
    """Fill TEMPLATE (e.g. ke_hoach) from DATA.json and write a .docx (Nghị định 30/2020 layout)."""
    from pathlib import Path

    from worker.render import RenderError
    from worker.render import render as render_docx

    try:
        context = json.loads(Path(data).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        click.echo(f"Lỗi / Error [bad_json]: Tệp dữ liệu không phải JSON hợp lệ / The data file is not valid JSON ({exc})",
                   err=True)
        sys.exit(2)
    try:
        out = render_docx(template, context)
    except RenderError as exc:
        click.echo(f"Lỗi / Error [{exc.code}]: {exc.message}", err=True)
        sys.exit(2)
    Path(output).write_bytes(out)


def _fail(exc) -> None:
    click.echo(f"Lỗi / Error [{exc.code}]: {exc.message}", err=True)
    sys.exit(2)


def _json_file(path: str | None) -> dict:
    from pathlib import Path

    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        click.echo(f"Lỗi / Error [bad_json]: {path} không phải JSON hợp lệ / is not valid JSON ({exc})", err=True)
        sys.exit(2)
    if not isinstance(data, dict):
        click.echo(f"Lỗi / Error [bad_json]: {path} phải là một đối tượng JSON / must be a JSON object", err=True)
        sys.exit(2)
    return data


@main.command()
@click.argument("template", type=click.Choice(["phieu_tom_tat", "quyet_dinh", "bao_cao", "ke_hoach"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .docx to write.")
@click.option("--form", "form_file", type=click.Path(exists=True, dir_okay=False),
              help="JSON with what the document cannot tell (signer, authority, unit...), as on the web form.")
@click.option("--print-context", is_flag=True, help="Print the context that was rendered, as JSON.")
def compose(template: str, file: str, output: str, form_file: str | None, print_context: bool) -> None:
    """Draft TEMPLATE from the document FILE: a digest, a decision issuing it, a report, or the plan rebuilt."""
    from pathlib import Path

    from worker.analyze import analyze
    from worker.contexts import build_context, form_defaults
    from worker.render import RenderError
    from worker.render import render as render_docx

    form = _json_file(form_file)
    try:
        extraction = analyze(Path(file).read_bytes(), filename=Path(file).name, progress=_progress)
    except ReadError as exc:
        _fail(exc)
    values = {**form_defaults(template, extraction, unit_name=form.get("unit", "")), **form}
    context = build_context(template, extraction, values)
    if print_context:
        click.echo(json.dumps(context, ensure_ascii=False, indent=1))
    try:
        Path(output).write_bytes(render_docx(template, context))
    except RenderError as exc:
        _fail(exc)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--out-dir", required=True, type=click.Path(file_okay=False),
              help="Where to write rows.json, quyet_dinh.docx and bao_cao_tong_hop.docx.")
@click.option("--form", "form_file", type=click.Path(exists=True, dir_okay=False),
              help="JSON with the drafts' header fields (issuer, decision_symbol, authority, signer...).")
def consolidate(files: tuple[str, ...], out_dir: str, form_file: str | None) -> None:
    """Consolidate schools' commendation submissions FILES into a decision's annex and a summary report."""
    from pathlib import Path

    from worker.analyze import analyze
    from worker.consolidate import consolidate as run
    from worker.contexts import consolidation_contexts
    from worker.readers import read_document
    from worker.render import RenderError
    from worker.render import render as render_docx

    form = _json_file(form_file)
    submissions = []
    for file in files:
        data = Path(file).read_bytes()
        try:
            submissions.append((analyze(data, filename=Path(file).name, progress=_progress),
                                read_document(data, filename=Path(file).name)))
        except ReadError as exc:
            _fail(exc)
    result = run(submissions).to_dict()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "rows.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"{len(result['rows'])} dòng đề nghị từ {len(files)} văn bản / proposals from documents")
    for flag in result["flags"]:
        click.echo(f"- {flag['message']}")
    decision, summary = consolidation_contexts(result, form)
    for name, context in (("quyet_dinh", decision), ("bao_cao_tong_hop", summary)):
        try:
            (out / f"{name}.docx").write_bytes(render_docx(name, context))
        except RenderError as exc:
            click.echo(f"{name}: Lỗi / Error [{exc.code}]: {exc.message}", err=True)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--year", "to_year", type=int, help="The new plan's year (default: the year after the plan's own).")
@click.option("--from-year", type=int, help="The old plan's year (default: read from the plan).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .docx to write.")
@click.option("--changes", "changes_file", type=click.Path(dir_okay=False), help="Also write the change list as JSON.")
def draft(file: str, to_year: int | None, from_year: int | None, output: str, changes_file: str | None) -> None:
    """Draft next year's plan from last year's FILE: a Word file keeps its layout with every change tracked
    (author vanthu) and review items as comments; a PDF or scan is rebuilt in the Kế hoạch template."""
    from pathlib import Path

    from store import db, registry
    from worker.rollover import draft_next_year, registry_resolver

    db.migrate()
    registry.ensure_seeded()
    try:
        with db.session() as s:
            result = draft_next_year(Path(file).read_bytes(), Path(file).name, to_year=to_year, from_year=from_year,
                                     resolve=registry_resolver(s))
    except ReadError as exc:
        _fail(exc)
    Path(output).write_bytes(result.data)
    summary = result.to_dict()
    if changes_file:
        Path(changes_file).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    how = "thay đổi được đánh dấu (Track Changes)" if result.path == "tracked" else "dựng lại theo mẫu Kế hoạch"
    click.echo(f"Kế hoạch năm {result.to_year} từ kế hoạch năm {result.from_year}: {len(result.changes)} thay đổi, "
               f"{summary['review']} mục cần người xem ({how}).")
    for change in result.changes:
        if change["review"]:
            click.echo(f"- [{change['location']}] {change['note']}")


@main.command("format-check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def format_check(file: str, as_json: bool) -> None:
    """Check a .docx against the Nghị định 30/2020 layout (page, margins, fonts, sizes, date line, Số).

    Exits 1 when an error is found, so scripts can gate on it.
    """
    from pathlib import Path

    from worker.format_check import check_format, format_table

    try:
        report = check_format(Path(file).read_bytes())
    except ReadError as exc:
        _fail(exc)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) if as_json else format_table(report))
    if any(f.severity == "error" for f in report.findings):
        sys.exit(1)


@main.command("template-check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--template", "name", required=True, help="The template it replaces (its manifest), e.g. ke_hoach.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def template_check(file: str, name: str, as_json: bool) -> None:
    """Validate an office's own .docx template before use: syntax, unknown variables, split tags. Exits 1 on errors."""
    from pathlib import Path

    from worker.render import RenderError, load_manifest
    from worker.template_check import check_template, format_report

    try:
        report = check_template(Path(file).read_bytes(), load_manifest(name))
    except (ReadError, RenderError) as exc:
        _fail(exc)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) if as_json else format_report(report))
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the extraction object with `check` filled.")
def check(file: str, as_json: bool) -> None:
    """Check every legal text FILE cites against the registry (exists, date, issuer, symbol, in force)."""
    from pathlib import Path

    from worker.check import check_file, format_table

    try:
        data = check_file(Path(file))
    except ReadError as exc:
        click.echo(f"Lỗi / Error [{exc.code}]: {exc.message}", err=True)
        sys.exit(2)
    click.echo(json.dumps(data, ensure_ascii=False, indent=1) if as_json else format_table(data))


@main.group()
def registry() -> None:
    """The registry of legal texts the checker uses."""


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def registry_import(file: str) -> None:
    """Import FILE (.csv as exported from vbpl.vn, .jsonl, .xlsx) into the registry."""
    from pathlib import Path

    from store.db import migrate, session
    from store.registry import ensure_seeded, import_file

    migrate()
    ensure_seeded()
    with session() as db:
        report = import_file(db, Path(file))
    click.echo(f"thêm {report.added} · cập nhật {report.updated} · bỏ qua {report.skipped}")
    for error in report.errors:
        click.echo(f"! {error}", err=True)


_HEADER_LABELS = (
    ("parent_issuer", "Cơ quan chủ quản"), ("issuer", "Cơ quan ban hành"), ("ref", "Số, ký hiệu"),
    ("place", "Địa danh"), ("date", "Ngày ban hành"), ("doc_type", "Loại văn bản"), ("subject", "Trích yếu"),
    ("signer_authority", "Thẩm quyền ký"), ("signer_title", "Chức vụ người ký"), ("signer_name", "Người ký"),
)


def _print_summary(data: dict) -> None:
    """A clerk's view: the identity card, then citations, tasks and recipients."""
    header = data["header"]
    for key, label in _HEADER_LABELS:
        value = header.get(key)
        click.echo(f"{label:<18}: {value if value else '—'}")
    if header.get("review"):
        click.echo(f"{'Cần kiểm tra':<18}: {', '.join(header['review'])}")
    click.echo(f"\nVăn bản được viện dẫn ({len(data['references'])}):")
    for ref in data["references"]:
        role = "căn cứ" if ref["role"] == "basis" else "nhắc đến"
        click.echo(f"  - [{role}] {ref['text']}")
    click.echo(f"\nNhiệm vụ ({len(data['tasks'])}):")
    for task in data["tasks"]:
        lead = ", ".join(task["lead"]) or "—"
        click.echo(f"  {task['index'] or '-'}. {task['text'][:80]} | chủ trì: {lead} | thời hạn: {task['timeframe'] or '—'}")
    click.echo(f"\nNơi nhận ({len(data['recipients'])}): " + "; ".join(data["recipients"]))
    click.echo(f"Mốc thời gian: {len(data['dates'])} · Mục: {len(data['sections'])}")
    for warning in data["warnings"]:
        click.echo(f"! {warning}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
