"""`rounds`: serve, migrate, load the demo hospital, create users, print a contractor's
monthly patrol verification report."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from server.settings import Settings, load_settings


def _prepare_metrics(settings: Settings) -> None:
    """Every worker writes its counters under one directory, so /metrics adds them up.

    Set before uvicorn imports the app: prometheus-client picks its storage on import.
    """
    directory = settings.observability.metrics_dir
    if directory is not None and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        directory.mkdir(parents=True, exist_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


if TYPE_CHECKING:
    from server.domain.imports.service import ImportResult


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = load_settings()
    _prepare_metrics(settings)
    print(f"Rounds is serving on http://{args.host}:{args.port}/ (desk console at /desk/)")
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level="debug" if settings.debug else "info",
        # The app configures logging (text or JSON, with request ids) in every worker.
        log_config=None,
    )
    return 0


def _db_upgrade(_: argparse.Namespace) -> int:
    from server.db.migrate import upgrade

    upgrade(load_settings().database.url)
    print("Database is at the latest migration.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from server.ops.backup import BackupError, backup

    settings = load_settings()
    try:
        manifest = backup(settings.database.url, settings.blob_dir, Path(args.directory))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = sum(entry.size for entry in manifest.blobs)
    print(
        f"Backed up the {manifest.database} database (migration {manifest.revision}) and "
        f"{len(manifest.blobs)} blob files ({size} bytes) into {args.directory}."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from server.ops.backup import BackupError, restore

    settings = load_settings()
    try:
        manifest = restore(settings.database.url, settings.blob_dir, Path(args.directory))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Restored the backup of {manifest.created_at} ({len(manifest.blobs)} blob files, "
        "every hash checked). The database has a new epoch: phones reset on their next "
        "sync and send again what they hold."
    )
    return 0


def _print_logins() -> None:
    from server.db.demo import DEMO_LOGINS, DEMO_PASSWORD

    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in DEMO_LOGINS:
        print(f"  {login.employee_no:<6} {', '.join(login.roles):<20} {login.name} ({login.note})")


async def _demo_load(size: str, *, only_if_empty: bool, locale: str = "en") -> int:
    from server.db.demo import DemoSize, demo_present, load_demo
    from server.db.engine import make_engine

    engine = make_engine(load_settings().database)
    try:
        if await demo_present(engine):
            if only_if_empty:
                print("Demo data already loaded.")
                _print_logins()
                return 0
            print("The database already holds a hospital; demo data not loaded.", file=sys.stderr)
            return 1
        summary = await load_demo(engine, DemoSize(size), locale)
    finally:
        await engine.dispose()
    counts = ", ".join(f"{n} {table}" for table, n in summary.counts.items() if n)
    print(f"Loaded the {summary.size} demo hospital: {counts}.")
    _print_logins()
    return 0


def _demo(args: argparse.Namespace) -> int:
    return asyncio.run(_demo_load(args.size, only_if_empty=args.if_empty, locale=args.locale))


async def _user_create(args: argparse.Namespace, password: str) -> int:
    from server.db.engine import make_engine, make_session_factory
    from server.domain.accounts.schemas import NewUser
    from server.domain.accounts.service import create_user
    from server.errors import RoundsError

    engine = make_engine(load_settings().database)
    try:
        async with make_session_factory(engine)() as session:
            user = await create_user(
                session,
                NewUser(
                    employee_no=args.employee_no,
                    name=args.name,
                    password=password,
                    roles=args.role,
                    team_code=args.team,
                    contractor_code=args.contractor,
                    department_code=args.department,
                    site_codes=args.site or [],
                ),
            )
            await session.commit()
    except RoundsError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"Created {user.employee_no} {user.name} with roles {', '.join(args.role)}.")
    return 0


async def _user_password(args: argparse.Namespace, password: str) -> int:
    from server.db.engine import make_engine, make_session_factory
    from server.domain.people.service import set_password
    from server.errors import RoundsError

    engine = make_engine(load_settings().database)
    try:
        async with make_session_factory(engine)() as session:
            user = await set_password(session, args.employee_no, password)
            await session.commit()
    except RoundsError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"Set the password of {user.employee_no} {user.name}.")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def _password(args: argparse.Namespace) -> int:
    return asyncio.run(_user_password(args, _read_password()))


def _user(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    return asyncio.run(_user_create(args, password))


async def _patrol_verify_text(code: str, month: str) -> int:
    from datetime import datetime

    from server.db.engine import make_engine, make_session_factory
    from server.domain.patrol.report_text import contractor_text
    from server.domain.patrol.verification import Thresholds
    from server.errors import RoundsError

    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        print(f"error: the month must read YYYY-MM, not {month!r}", file=sys.stderr)
        return 2
    settings = load_settings()
    engine = make_engine(settings.database)
    try:
        async with make_session_factory(engine)() as session:
            text = await contractor_text(
                session, code, first, Thresholds(settings.patrol_clock_skew_seconds)
            )
    except RoundsError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(text, end="")
    return 0


def _patrol_verify(args: argparse.Namespace) -> int:
    return asyncio.run(_patrol_verify_text(args.contractor, args.month))


def _print_import(result: ImportResult) -> None:
    for error in result.errors:
        print(f"line {error.line}, column {error.column}: {error.message}", file=sys.stderr)
    would = "" if result.applied else "would be "
    print(
        f"{result.file_name}: {result.rows} rows; {would}created {result.created}, "
        f"{would}updated {result.updated}, unchanged {result.unchanged}; "
        f"{len(result.errors)} errors" + ("" if result.applied else " - nothing written.")
    )


async def _import_file(args: argparse.Namespace, data: bytes) -> int:
    from server.db.engine import make_engine, make_session_factory
    from server.domain.imports.service import run_import
    from server.errors import RoundsError

    engine = make_engine(load_settings().database)
    try:
        async with make_session_factory(engine)() as session:
            result = await run_import(
                session,
                args.kind,
                data,
                Path(args.file).name,
                dry_run=args.dry_run,
                user_id=None,
            )
            await session.commit()
    except RoundsError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    _print_import(result)
    return 1 if result.errors else 0


async def _exported(kind: str, file_format: str) -> bytes:
    from server.db.engine import make_engine, make_session_factory
    from server.domain.imports.service import export_file

    engine = make_engine(load_settings().database)
    try:
        async with make_session_factory(engine)() as session:
            return await export_file(session, kind, file_format)
    finally:
        await engine.dispose()


def _export(args: argparse.Namespace) -> int:
    from server.domain.imports.reading import file_kind
    from server.domain.imports.service import template_file

    path = Path(args.file)
    file_format = file_kind(path.name)
    if args.template:
        path.write_bytes(template_file(args.kind, file_format))
    else:
        path.write_bytes(asyncio.run(_exported(args.kind, file_format)))
    print(f"Wrote {path}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rounds", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API, console and field app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_db_upgrade)

    backup = commands.add_parser(
        "backup", help="copy the database and blob files into a new directory (server may run)"
    )
    backup.add_argument("directory")
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser(
        "restore", help="replace the database and blobs from a backup (stop the server first)"
    )
    restore.add_argument("directory")
    restore.set_defaults(handler=_restore)

    demo = commands.add_parser("demo", help="demo data").add_subparsers(
        dest="demo_command", required=True
    )
    load = demo.add_parser("load", help="load a demo hospital into an empty database")
    load.add_argument("--size", choices=["small", "hospital", "large"], default="hospital")
    load.add_argument(
        "--locale",
        choices=["en", "zh-CN"],
        default="en",
        help="language of the names (codes such as T0001 stay the same)",
    )
    load.add_argument(
        "--if-empty", action="store_true", help="do nothing (and succeed) when data exists"
    )
    load.set_defaults(handler=_demo)

    user = commands.add_parser("user", help="accounts").add_subparsers(
        dest="user_command", required=True
    )
    create = user.add_parser("create", help="create a user; the password is read from stdin")
    create.add_argument("--employee-no", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", action="append", required=True, help="repeat for several")
    create.add_argument("--team", help="team code")
    create.add_argument("--contractor", help="contractor code")
    create.add_argument("--department", help="department code")
    create.add_argument("--site", action="append", help="site code; repeat for several")
    create.set_defaults(handler=_user)

    patrol = commands.add_parser("patrol", help="patrol and attendance records").add_subparsers(
        dest="patrol_command", required=True
    )
    verify = patrol.add_parser(
        "verify", help="print a contractor's monthly verification report as text"
    )
    verify.add_argument("--contractor", required=True, help="contractor code")
    verify.add_argument("--month", required=True, help="YYYY-MM, the campus's local month")
    verify.set_defaults(handler=_patrol_verify)
    password = user.add_parser(
        "password", help="set a person's password (imported people have none); read from stdin"
    )
    password.add_argument("--employee-no", required=True)
    password.set_defaults(handler=_password)

    imports = commands.add_parser("import", help="import master data from a CSV or XLSX file")
    imports.add_argument("kind", choices=["locations", "assets", "items", "people"])
    imports.add_argument("file")
    imports.add_argument(
        "--dry-run", action="store_true", help="list every row's errors; write nothing"
    )
    imports.set_defaults(
        handler=lambda args: asyncio.run(_import_file(args, Path(args.file).read_bytes()))
    )

    exports = commands.add_parser("export", help="export master data as CSV or XLSX")
    exports.add_argument("kind", choices=["locations", "assets", "items", "people"])
    exports.add_argument("file", help="ends in .csv or .xlsx")
    exports.add_argument(
        "--template", action="store_true", help="the header row and one example row"
    )
    exports.set_defaults(handler=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
