"""Screens that show every table read them in a fixed number of queries, whatever the count."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from tests.factories import connect, join, make_cafe
from worldcafe import presenters
from worldcafe.extensions import database
from worldcafe.models import Cafe


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """Every statement the app's read engine runs inside the block."""
    engine = app.extensions["worldcafe.db"].read_engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _cafe_with_notes(app: Flask, tables: int) -> dict[str, Any]:
    """A café of `tables` tables in one theme, everyone seated, a note, a vote, a pin each."""
    cafe = make_cafe(
        app,
        themes=[{"name": "Mobility", "tables": tables, "questions": ["What should change?"]}],
    )
    host = app.test_client()
    assert host.get(str(cafe["host_url"])).status_code == 200
    phones = [join(app, cafe, f"Guest {i}") for i in range(tables * 4)]
    assert host.post(f"{cafe['host_url']}/round/start").status_code == 302
    for phone in phones:
        socket = connect(app, phone, cafe, "participant")
        ack = socket.emit(
            "note:add", {"client_id": str(uuid.uuid4()), "text": "More trees"}, callback=True
        )
        assert ack["ok"], ack
        assert socket.emit("note:vote", {"id": ack["id"]}, callback=True)["ok"]
        assert socket.emit("note:carry", {"id": ack["id"]}, callback=True)["ok"]
        socket.disconnect()
    assert host.post(f"{cafe['host_url']}/round/end").status_code == 302
    return cafe


def _console_queries(app: Flask, cafe: dict[str, Any]) -> tuple[int, str]:
    with app.test_request_context("/"), database().read() as db:
        found = db.get(Cafe, cafe["cafe_id"])
        assert found is not None
        with counted_queries(app) as statements:
            html = presenters.host_console_html(db, found)
            panels = presenters.participant_panels_by_table(db, found)
        assert panels
        return len(statements), html


def test_the_host_console_reads_two_or_eight_tables_in_as_many_queries(app: Flask) -> None:
    small, small_html = _console_queries(app, _cafe_with_notes(app, 2))
    large, large_html = _console_queries(app, _cafe_with_notes(app, 8))
    assert large == small, f"{small} queries for 2 tables, {large} for 8"
    assert small_html.count("More trees") >= 2
    assert large_html.count("More trees") >= 8
