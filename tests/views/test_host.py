"""The host console: rounds, timer controls, broadcast, moves and table hosts."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import join, load_cafe
from worldcafe.extensions import database
from worldcafe.models import Participant, RoundStatus, Seat
from worldcafe.services.rounds import timer_state


def _status(app: Flask, cafe: dict[str, Any]) -> str:
    return timer_state(load_cafe(app, int(str(cafe["cafe_id"])))).status


def test_the_console_has_start_and_end_round_and_the_people(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    join(app, cafe, "Ada")
    html = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert ">Start round</button>" in html
    assert ">End round</button>" in html
    assert "Ada" in html
    assert 'role="timer"' in html


def test_start_pause_resume_extend_end(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    host = str(cafe["host_url"])
    refused = client.post(f"{host}/round/start", headers={"HX-Request": "true"})
    assert refused.status_code == 409
    assert "Nobody has joined" in refused.get_data(as_text=True)
    for i in range(4):
        join(app, cafe, f"P{i}")
    assert client.post(f"{host}/round/start").status_code == 302
    assert _status(app, cafe) == "running"
    again = client.post(f"{host}/round/start", headers={"HX-Request": "true"})
    assert again.status_code == 409
    client.post(f"{host}/round/pause")
    state = timer_state(load_cafe(app, int(str(cafe["cafe_id"]))))
    assert state.status == "paused" and state.remaining_ms is not None
    assert 19 * 60_000 < state.remaining_ms <= 20 * 60_000
    client.post(f"{host}/round/extend", data={"minutes": "5"})
    state = timer_state(load_cafe(app, int(str(cafe["cafe_id"]))))
    assert state.remaining_ms is not None and state.remaining_ms > 24 * 60_000
    client.post(f"{host}/round/resume")
    assert _status(app, cafe) == "running"
    bad = client.post(
        f"{host}/round/extend", data={"minutes": "-3"}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 400
    client.post(f"{host}/round/end")
    cafe_row = load_cafe(app, int(str(cafe["cafe_id"])))
    assert cafe_row.rounds[0].status == RoundStatus.ENDED
    assert cafe_row.rounds[1].status == RoundStatus.PLANNED


def test_every_present_person_gets_one_seat_and_tables_stay_balanced(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    for i in range(7):
        join(app, cafe, f"P{i}")
    client.post(f"{cafe['host_url']}/round/start")
    with app.app_context(), database().read() as db:
        seats = [s for s in db.query(Seat).all() if s.round.number == 1]
        assert len(seats) == 7
        assert len({s.participant_id for s in seats}) == 7
        sizes = sorted(
            sum(1 for s in seats if s.table_id == t) for t in {s.table_id for s in seats}
        )
        assert sizes == [3, 4]


def test_round_two_moves_travellers_but_not_table_hosts(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    host = str(cafe["host_url"])
    for i in range(8):
        join(app, cafe, f"P{i}")
    cafe_row = load_cafe(app, int(str(cafe["cafe_id"])))
    with app.app_context(), database().read() as db:
        first = db.query(Participant).order_by(Participant.id).first()
        assert first is not None
        host_id = first.id
    table_id = cafe_row.tables[0].id
    client.post(f"{host}/people/{host_id}/table-host", data={"table_id": str(table_id)})
    client.post(f"{host}/round/start")
    client.post(f"{host}/round/end")
    client.post(f"{host}/round/start")
    with app.app_context(), database().read() as db:
        seats = db.query(Seat).all()
        by_round: dict[int, dict[int, int]] = {}
        for s in seats:
            by_round.setdefault(s.round.number, {})[s.participant_id] = s.table_id
    assert by_round[1][host_id] == by_round[2][host_id] == table_id
    movers = [p for p in by_round[1] if p != host_id and by_round[1][p] != by_round[2][p]]
    assert len(movers) >= 3


def test_move_a_person_and_broadcast(app: Flask, client: FlaskClient, cafe: dict[str, Any]) -> None:
    host = str(cafe["host_url"])
    phone = join(app, cafe, "Ada")
    join(app, cafe, "Grace")
    client.post(f"{host}/round/start")
    cafe_row = load_cafe(app, int(str(cafe["cafe_id"])))
    with app.app_context(), database().read() as db:
        ada = db.query(Participant).filter_by(name="Ada").one()
        seat = next(
            s for s in db.query(Seat).filter_by(participant_id=ada.id) if s.round.number == 1
        )
        other = next(t for t in cafe_row.tables if t.id != seat.table_id)
    client.post(f"{host}/people/{ada.id}/move", data={"table_id": str(other.id)})
    html = phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
    assert re.search(rf"Table {other.number} ·", html)
    client.post(f"{host}/broadcast", data={"message": "Coffee is ready"})
    assert "Coffee is ready" in phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
    bad = client.post(f"{host}/people/999999/move", data={"table_id": str(other.id)})
    assert bad.status_code == 404


def test_host_actions_need_the_secret(app: Flask, cafe: dict[str, Any]) -> None:
    other = app.test_client()
    forged = f"/host/{cafe['cafe_id']}/not-the-secret"
    assert other.get(forged).status_code == 404
    assert other.post(f"{forged}/round/start").status_code == 404
    assert other.post(f"{forged}/broadcast", data={"message": "x"}).status_code == 404


def test_the_people_panel_form_moves_marks_hosts_and_absences(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    host = str(cafe["host_url"])
    join(app, cafe, "Ada")
    join(app, cafe, "Grace")
    client.post(f"{host}/round/start")
    cafe_row = load_cafe(app, int(str(cafe["cafe_id"])))
    with app.app_context(), database().read() as db:
        ada = db.query(Participant).filter_by(name="Ada").one()
    target = cafe_row.tables[1].id
    manage = f"{host}/people/manage"
    data = {"participant_id": str(ada.id), "table_id": str(target)}
    assert client.post(manage, data={**data, "action": "move"}).status_code == 302
    assert client.post(manage, data={**data, "action": "table-host"}).status_code == 302
    assert client.post(manage, data={**data, "action": "gone"}).status_code == 302
    refused = client.post(
        manage, data={**data, "action": "explode"}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 400
    with app.app_context(), database().read() as db:
        ada = db.query(Participant).filter_by(name="Ada").one()
        seat = next(
            s for s in db.query(Seat).filter_by(participant_id=ada.id) if s.round.number == 1
        )
        assert seat.table_id == target
        assert ada.hosted_table_id == target
        assert ada.present is False
    console = client.get(host).get_data(as_text=True)
    assert "hosts table 2" in console and "left" in console
