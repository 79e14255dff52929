"""Serving through gevent's WSGI server, with TCP_NODELAY on the listening socket."""

from __future__ import annotations

import gc
import socket
import sys

import gevent
from flask import Flask
from gevent.pywsgi import WSGIServer
from sqlalchemy.exc import SQLAlchemyError

from worldcafe import create_app, vector_process
from worldcafe.database import Database, DatabaseUnavailable, describe_failure
from worldcafe.extensions import database
from worldcafe.services.organisers import organiser_count
from worldcafe.services.privacy import apply_retention
from worldcafe.settings import SettingsError


def listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; accepted connections inherit TCP_NODELAY (small frames go now)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


RETENTION_CHECK_SECONDS = 3600


CHECKPOINT_SECONDS = 2.0


def _checkpoint_loop(app: Flask) -> None:
    """Copy SQLite's log into the database in a worker thread, every couple of seconds."""
    db = app.extensions["worldcafe.db"]
    if not db.manual_checkpoints:
        return
    pool = gevent.get_hub().threadpool
    while True:
        gevent.sleep(CHECKPOINT_SECONDS)
        try:
            pool.apply(db.checkpoint)
        except Exception:  # a busy database is checkpointed next time
            app.logger.exception("Checkpoint failed")


# Threads running offloaded work (a seating plan, a harvest's answer, a checkpoint) hand the
# interpreter back to the event loop, and so to the sockets, after at most this long (Python's
# default is 5 ms).
SWITCH_INTERVAL_SECONDS = 0.001


def tune_garbage_collector() -> None:
    """Keep full collections rare: they stop every socket at once and show as latency spikes.

    What was loaded at start-up is frozen out of the collector's view; young objects are
    collected after many more allocations than the default 700.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _retention_loop(app: Flask) -> None:
    """Erase names whose retention period has passed: at start, then hourly."""
    while True:
        try:
            with app.app_context():
                with database().write() as db:
                    erased = apply_retention(db)
                if erased:
                    database().purge()
        except Exception:  # the next round of the loop tries again
            app.logger.exception("Retention check failed")
        gevent.sleep(RETENTION_CHECK_SECONDS)


VECTOR_SECONDS = 1.0
VECTOR_RESTART_SECONDS = 30.0


def _vector_loop(app: Flask) -> None:
    """Sentence vectors of new and edited notes, a batch about every second, computed by the vector
    process (a child holding the model: vector_process.py), started again if it died."""
    from worldcafe.services.vectors import BATCH, Backlog

    db = database_of(app)
    pool = gevent.get_hub().threadpool
    backlog = Backlog()
    while True:
        try:
            process = vector_process.start()
        except Exception:  # no model process: the harvest computes the vectors itself
            app.logger.exception("The vector process did not start")
            gevent.sleep(VECTOR_RESTART_SECONDS)
            continue
        try:
            with app.app_context():
                done = backlog.fill(db.read, db.write, pool.apply, process.stored)
        except vector_process.VectorsUnavailable as error:
            app.logger.warning("Note vectors: %s; starting the vector process again", error)
            gevent.sleep(VECTOR_RESTART_SECONDS if not process.running else VECTOR_SECONDS)
            continue
        except Exception:  # the next round of the loop tries again
            app.logger.exception("Note vectors failed")
            done = 0
        # While a café writes, a batch a second: each batch is a read, a call to the vector
        # process and a write beside the sockets. A full batch means a backlog: go on at once.
        gevent.sleep(0.05 if done >= BATCH else VECTOR_SECONDS)


def start_background_work(app: Flask) -> None:
    """What a serving process runs beside the requests (also under gunicorn, per worker)."""
    gevent.spawn(_retention_loop, app)
    if app.config["NOTE_VECTORS"]:
        gevent.spawn(_vector_loop, app)
    gevent.spawn(_checkpoint_loop, app)
    tune_garbage_collector()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def database_of(app: Flask) -> Database:
    """An app's database, outside an application context."""
    found: Database = app.extensions["worldcafe.db"]
    return found


def serve(host: str, port: int) -> int:
    """Serve until interrupted; print where."""
    from worldcafe.links import setup_token

    try:
        app = create_app({"SQLITE_MANUAL_CHECKPOINTS": True})
    except (DatabaseUnavailable, SQLAlchemyError) as error:
        print(f"worldcafe: cannot start: {describe_failure(error)}", file=sys.stderr, flush=True)
        return 2
    except SettingsError as error:
        print(f"worldcafe: cannot start: {error}", file=sys.stderr, flush=True)
        return 2
    problem = database_of(app).probe_write()
    if problem is not None:
        # Pages still open and say so; every change is refused with a clear message.
        print(f"worldcafe: warning: {problem}", file=sys.stderr, flush=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = app.config.get("BASE_URL") or f"http://{shown}:{port}"
    with app.app_context(), database().read() as db:
        first_run = organiser_count(db) == 0
    print(f"worldcafe is serving on {base}/  (Ctrl+C stops)", flush=True)
    if first_run:
        token = setup_token(app.config["SECRET_KEY"])
        print(f"Create the first organiser account: {base}/organiser/setup/{token}", flush=True)
    try:
        sock = listening_socket(host, port)
    except OSError as error:
        print(f"worldcafe: cannot listen on {host}:{port}: {error}", flush=True)
        return 2
    start_background_work(app)
    server = WSGIServer(sock, app, log=None)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop(timeout=2)
    finally:
        vector_process.stop()
    return 0
