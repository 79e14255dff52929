"""The `worldcafe` command: run, demo, create-cafe, plan, synthesize, export, db, loadtest."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

MAX_PLAN_SECONDS = 3600.0


class UsageError(Exception):
    """Bad input on the command line: one clear line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _fail(message: str) -> NoReturn:
    raise UsageError(message)


def _read_json(path: str, what: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"{what} not found: {path}")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read {what} {path}: {error}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"{what} {path} is not valid JSON: line {error.lineno}, column {error.colno}")
    except RecursionError:
        _fail(f"{what} {path} is nested too deeply")
    except ValueError as error:  # e.g. an integer with more digits than Python reads
        _fail(f"{what} {path} cannot be read: {error}")


def _app() -> Any:
    from worldcafe import create_app

    return create_app()


def _base_url(args: argparse.Namespace, app: Any) -> str | None:
    return getattr(args, "base_url", None) or app.config.get("BASE_URL") or None


def _print_links(links: dict[str, object], as_json: bool, title: str) -> None:
    if as_json:
        print(json.dumps(links))
        return
    print(f"{title} (café {links['cafe_id']})")
    print(f"  Join (QR code): {links['join_url']}")
    print(f"  Host console:   {links['host_url']}")
    print(f"  Projector:      {links['projector_url']}")
    print(f"  Organiser:      {links['organiser_url']}")


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the demo café (or, with --if-missing, reuse it) and print its links."""
    from worldcafe.extensions import database
    from worldcafe.links import cafe_links
    from worldcafe.services.cafes import create_demo_cafe, find_demo_cafe

    app = _app()
    with app.app_context(), database().write() as db:
        cafe = find_demo_cafe(db) if args.if_missing else None
        if cafe is None:
            cafe = create_demo_cafe(db)
        links = cafe_links(cafe, _base_url(args, app))
        title = cafe.title
    _print_links(links, args.json, title)
    return 0


def cmd_create_cafe(args: argparse.Namespace) -> int:
    """Create a café from a CONFIG.json file and print its links."""
    from worldcafe.extensions import database
    from worldcafe.links import cafe_links
    from worldcafe.services.cafe_config import parse_cafe_spec
    from worldcafe.services.cafes import create_cafe
    from worldcafe.services.errors import ServiceError

    config = _read_json(args.config, "café configuration")
    try:
        spec = parse_cafe_spec(config)
    except ServiceError as error:
        _fail(f"invalid café configuration: {error}")
    app = _app()
    with app.app_context(), database().write() as db:
        cafe = create_cafe(db, spec)
        links = cafe_links(cafe, _base_url(args, app))
    _print_links(links, args.json, spec.title)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """Apply the database migrations."""
    from worldcafe import create_app
    from worldcafe.extensions import database
    from worldcafe.schema import upgrade_database

    if args.action != "upgrade":
        _fail("db: the only action is 'upgrade'")
    app = create_app({"AUTO_UPGRADE": False})
    with app.app_context():
        upgrade_database(database().write_engine)
    print("Database is up to date.")
    return 0


def cmd_create_organiser(args: argparse.Namespace) -> int:
    """Create an organiser account (password from the environment or asked for)."""
    import getpass

    from worldcafe.extensions import database
    from worldcafe.services.errors import ServiceError
    from worldcafe.services.organisers import create_organiser

    password = os.environ.get("WORLDCAFE_ORGANISER_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            _fail("set WORLDCAFE_ORGANISER_PASSWORD or run in a terminal to type the password")
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat the password: ") != password:
            _fail("the passwords differ")
    app = _app()
    try:
        with app.app_context(), database().write() as db:
            organiser = create_organiser(db, args.email, password)
            email = organiser.email
    except ServiceError as error:
        _fail(str(error))
    print(f"Organiser {email} created. Sign in at /organiser/login.")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Print a seating plan for an instance file."""
    from worldcafe import rotation

    if args.time_limit is not None and not 0 < args.time_limit <= MAX_PLAN_SECONDS:
        _fail(f"--time-limit must be between 0 and {MAX_PLAN_SECONDS:g} seconds")
    data = _read_json(args.instance, "instance file")
    try:
        instance = rotation.parse_instance(data)
        plan = rotation.plan_rounds(
            instance, seed=args.seed, time_limit=args.time_limit if args.time_limit else 10.0
        )
    except rotation.InstanceError as error:
        _fail(f"invalid instance: {error}")
    print(json.dumps(rotation.instance_to_json(instance, plan.rounds)))
    if instance.common_language and plan.score.language_violations:
        print(
            f"warning: {plan.score.language_violations} table(s) in the plan share no language "
            "(no plan without one was found)",
            file=sys.stderr,
        )
    return 0


def _write_output(data: bytes, output: str | None) -> None:
    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as error:
            _fail(f"cannot write {output}: {error}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _progress(notes: list[Any]) -> Any:
    """Progress of computing sentence vectors on stderr, for long runs in a terminal."""
    if len(notes) < 200 or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rsentence vectors: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def cmd_synthesize(args: argparse.Namespace) -> int:
    """The synthesis of a notes file."""
    from worldcafe import synthesis
    from worldcafe.catalogues import catalogue

    try:
        notes = synthesis.read_notes(Path(args.notes))
    except FileNotFoundError:
        _fail(f"notes file not found: {args.notes}")
    except synthesis.NotesError as error:
        _fail(f"invalid notes file: {error}")
    try:
        result = synthesis.synthesize(
            notes, embedder=synthesis.DiskCache(progress=_progress(notes))
        )
    except synthesis.NotesError as error:
        _fail(f"invalid notes file: {args.notes}: {error}")
    context = synthesis.ReportContext(
        title=args.title or Path(args.notes).stem,
        language=result.language,
        catalogue=catalogue(result.language),
        theme_order=list(dict.fromkeys(note.theme for note in notes)),
    )
    _write_output(synthesis.render(result, args.format, context), args.output)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """The synthesis of a café in the database, with its rounds, votes and curation."""
    from worldcafe.extensions import database
    from worldcafe.services.errors import NotFound
    from worldcafe.services.harvest import export_cafe

    app = _app()
    try:
        with app.app_context(), database().read() as db:
            data = export_cafe(db, args.cafe_id, args.format, anonymise=args.anonymise)
    except NotFound:
        _fail(f"no café with id {args.cafe_id[:40]}")
    _write_output(data, args.output)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Serve the app through gevent's WSGI server."""
    from worldcafe.serving import serve

    if not 0 <= args.port <= 65535:
        _fail("--port must be between 0 and 65535")
    return serve(args.host, args.port)


def _load_tester() -> Any:
    """The load tester, shipped beside the app as the optional extra `loadtest`."""
    try:
        import worldcafe_loadtest
    except ImportError:
        _fail("loadtest needs the load-test extra: pip install 'worldcafe[loadtest]'")
    return worldcafe_loadtest


def _loadtest_links(args: argparse.Namespace) -> Any:
    """The café to load: a links file, an organiser sign-in, or one made in the local database."""
    loadtest = _load_tester()

    if args.links:
        data = _read_json(args.links, "links file")
        try:
            return loadtest.CafeLinks.from_json(data, args.url), None
        except (KeyError, TypeError, ValueError, AttributeError):
            _fail(f"links file {args.links} is not the output of create-cafe --json")
    email = os.environ.get("WORLDCAFE_ORGANISER_EMAIL")
    password = os.environ.get("WORLDCAFE_ORGANISER_PASSWORD")
    if email and password:
        return None, (email, password)
    from worldcafe.extensions import database
    from worldcafe.links import cafe_links
    from worldcafe.services.cafe_config import parse_cafe_spec
    from worldcafe.services.cafes import create_cafe

    app = _app()
    with app.app_context(), database().write() as db:
        cafe = create_cafe(db, parse_cafe_spec(loadtest.cafe_config(args.participants)))
        links = cafe_links(cafe, args.url)
    return loadtest.CafeLinks.from_json(links, args.url), None


def cmd_loadtest(args: argparse.Namespace) -> int:
    """Simulated phones against a running server, with a bare relay as the baseline."""
    loadtest = _load_tester()

    urls = [url.rstrip("/") for url in args.url]
    if not all(url.startswith(("http://", "https://")) for url in urls):
        _fail("--url must start with http:// or https://")
    args.url = urls[0]
    if not 2 <= args.participants <= 5000:
        _fail("--participants must be between 2 and 5000")
    if not 0 < args.duration <= 3600:
        _fail("--duration must be between 0 and 3600 seconds")
    for rate, flag in (
        (args.realistic_rate, "--realistic-rate"),
        (args.stress_rate, "--stress-rate"),
    ):
        if not 0 < rate <= 600:
            _fail(f"{flag} must be between 0 and 600 notes a minute")
    links, login = _loadtest_links(args)
    settings = loadtest.Settings(
        url=urls[0],
        also=tuple(urls[1:]),
        participants=args.participants,
        duration=args.duration,
        realistic_per_minute=args.realistic_rate,
        stress_per_minute=args.stress_rate,
        baseline=not args.no_baseline,
    )
    try:
        report = loadtest.run_load_test(settings, links, login)
    except loadtest.LoadTestError as error:
        print(f"worldcafe: loadtest: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report) if args.json else loadtest.format_report(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = _Parser(prog="worldcafe", description="Run a World Café.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="serve the app")
    run.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="create a ready demo café and print its links")
    demo.add_argument("--json", action="store_true")
    demo.add_argument("--if-missing", action="store_true", help="reuse an existing demo café")
    demo.add_argument("--base-url", help="public URL for the printed links")
    demo.set_defaults(func=cmd_demo)

    create = sub.add_parser("create-cafe", help="create a café from a JSON file")
    create.add_argument("config")
    create.add_argument("--json", action="store_true")
    create.add_argument("--base-url", help="public URL for the printed links")
    create.set_defaults(func=cmd_create_cafe)

    plan = sub.add_parser("plan", help="print a seating plan as JSON")
    plan.add_argument("instance")
    plan.add_argument("--seed", type=int, default=0)
    plan.add_argument("--time-limit", type=float, default=None)
    plan.set_defaults(func=cmd_plan)

    formats = ["json", "md", "csv", "docx", "pdf"]
    synth = sub.add_parser("synthesize", help="synthesis of a notes file")
    synth.add_argument("notes")
    synth.add_argument("--format", choices=formats, default="json")
    synth.add_argument("-o", "--output")
    synth.add_argument("--title")
    synth.set_defaults(func=cmd_synthesize)

    export = sub.add_parser("export", help="synthesis of a café in the database")
    export.add_argument("cafe_id")
    export.add_argument("--format", choices=formats, default="json")
    export.add_argument("-o", "--output")
    export.add_argument("--anonymise", action="store_true", help="leave out names")
    export.set_defaults(func=cmd_export)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)

    organiser = sub.add_parser("create-organiser", help="create an organiser account")
    organiser.add_argument("email")
    organiser.set_defaults(func=cmd_create_organiser)

    load = sub.add_parser(
        "loadtest",
        help="simulated phones against a running server, with a bare relay as baseline",
        description=(
            "Joins N simulated phones (tables of 5-6), a host console and a projector to a café "
            "on the server at --url, starts a round, posts notes at a realistic and then a "
            "stress rate, and measures joins, fan-out and losses; then the same load against "
            "a bare python-socketio relay. The café comes from --links (the output of "
            "`worldcafe create-cafe --json`), else from signing in as the organiser in "
            "WORLDCAFE_ORGANISER_EMAIL / WORLDCAFE_ORGANISER_PASSWORD, else it is created "
            "in the database this environment points at (the server's own instance)."
        ),
    )
    load.add_argument(
        "--url",
        required=True,
        action="append",
        help="the running server, e.g. http://127.0.0.1:5000; again for more processes of it",
    )
    load.add_argument("--participants", type=int, required=True)
    load.add_argument("--duration", type=float, default=20.0, help="seconds of notes (default 20)")
    load.add_argument("--json", action="store_true")
    load.add_argument("--links", help="a café's links (create-cafe --json output)")
    load.add_argument("--realistic-rate", type=float, default=1.0, help="notes/phone/minute")
    load.add_argument("--stress-rate", type=float, default=4.0, help="notes/phone/minute")
    load.add_argument("--no-baseline", action="store_true", help="skip the bare relay")
    load.set_defaults(func=cmd_loadtest)

    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["run"]:
        # Cooperative sockets for every library, before anything else is imported.
        from gevent import monkey

        monkey.patch_all()
    try:
        args = build_parser().parse_args(args_list)
        result: int = args.func(args)
        return result
    except UsageError as error:
        print(
            f"worldcafe: {error}" if not str(error).startswith("worldcafe") else str(error),
            file=sys.stderr,
        )
        return 2
    except RecursionError:
        print("worldcafe: the input is nested too deeply", file=sys.stderr)
        return 2
    except Exception as error:
        from sqlalchemy.exc import SQLAlchemyError

        from worldcafe.database import DatabaseUnavailable, describe_failure
        from worldcafe.settings import SettingsError

        if isinstance(error, SettingsError):  # a bad WORLDCAFE_* variable
            print(f"worldcafe: {error}", file=sys.stderr)
            return 2
        if not isinstance(error, SQLAlchemyError | DatabaseUnavailable):
            raise
        print(f"worldcafe: {describe_failure(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
