"""The host console (tablet): lobby, rounds, timer, broadcast, moves and table hosts."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Concatenate, ParamSpec, TypeVar

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy.orm import Session
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access
from worldcafe.extensions import database
from worldcafe.links import projector_path
from worldcafe.live.announce import (
    announce_broadcast,
    announce_note_changed,
    announce_people,
    announce_round,
    announce_seat,
    announce_timer,
)
from worldcafe.live.rooms import link_room
from worldcafe.live.transport import socketio
from worldcafe.messages import N_
from worldcafe.models import Cafe, Participant
from worldcafe.offload import offload
from worldcafe.reads import screens
from worldcafe.rotation import Plan
from worldcafe.services import audit, moderation
from worldcafe.services import participants as participant_service
from worldcafe.services import rounds as round_service
from worldcafe.services import seating as seating_service
from worldcafe.services.errors import InvalidInput
from worldcafe.views.edge import is_htmx, links_for
from worldcafe.views.room_push import announce_tables, notify

bp = Blueprint("host", __name__, url_prefix="/host/<int:cafe_id>/<secret>")


@bp.get("")
def console(cafe_id: int, secret: str) -> str:
    """The host console page."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "host", secret)
        return render_template(
            "host/console.html",
            links=links_for(cafe),
            timer=screens.timer_payload(cafe),
            **screens.host_context(db, cafe),
        )


@bp.get("/console")
def console_fragment(cafe_id: int, secret: str) -> str:
    """The console's live part alone."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "host", secret)
        return render_template("host/_console.html", oob=False, **screens.host_context(db, cafe))


P = ParamSpec("P")
T = TypeVar("T")


def _write(
    cafe_id: int,
    secret: str,
    action: Callable[Concatenate[Session, Cafe, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run ``action(db, cafe, *args)`` in one write transaction, once the host link checks out."""
    with database().write() as db:
        return action(db, access.cafe_by_secret(db, cafe_id, "host", secret), *args, **kwargs)


def _act(
    cafe_id: int,
    secret: str,
    announce: Callable[[int], None],
    action: Callable[Concatenate[Session, Cafe, P], object],
    *args: P.args,
    **kwargs: P.kwargs,
) -> str | BaseResponse:
    """Store one host action, tell the screens, then answer with the console."""
    _write(cafe_id, secret, action, *args, **kwargs)
    announce(cafe_id)
    return _done(cafe_id, secret)


def _done(cafe_id: int, secret: str) -> str | BaseResponse:
    """After an action: the whole console for a plain form post, its live part for htmx."""
    if not is_htmx():
        return redirect(url_for("host.console", cafe_id=cafe_id, secret=secret))
    return console_fragment(cafe_id, secret)


def _plan_seconds() -> float:
    return float(current_app.config.get("PLAN_SECONDS", 1.0))


PLAN_ATTEMPTS = 3


def _plan_and_store(
    cafe_id: int,
    secret: str,
    request: seating_service.PlanRequest,
    store: Callable[[Session, Cafe, seating_service.PlanRequest, Plan], object],
) -> None:
    """Plan outside every lock, then store in one short transaction; plan again if outdated.

    The search runs in a worker thread (offload), so the event loop keeps serving sockets, and
    no write lock is held while it runs, so other cafés' notes keep being stored.
    """
    seconds = _plan_seconds()
    for attempt in range(PLAN_ATTEMPTS):
        plan = offload(partial(seating_service.compute_plan, request, seconds))
        try:
            _write(cafe_id, secret, store, request, plan)
            return
        except seating_service.PlanOutdated:
            if attempt + 1 == PLAN_ATTEMPTS:
                raise
            with database().read() as db:
                cafe = access.cafe_by_secret(db, cafe_id, "host", secret)
                request = seating_service.prepare_plan(db, cafe, request.first)


@bp.post("/round/start")
def start_round(cafe_id: int, secret: str) -> str | BaseResponse:
    """Seat everyone present and start the next round."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "host", secret)
        request = round_service.prepare_start(db, cafe)
    _plan_and_store(cafe_id, secret, request, round_service.finish_start)
    announce_round_change(cafe_id)
    return _done(cafe_id, secret)


def announce_round_change(cafe_id: int) -> None:
    """A round started or ended: new seats everywhere, and the old round's message is gone."""
    announce_round(cafe_id)
    announce_broadcast(cafe_id)


@bp.post("/round/pause")
def pause_round(cafe_id: int, secret: str) -> str | BaseResponse:
    """Stop the clock."""
    return _act(cafe_id, secret, announce_timer_and_console, round_service.pause_round)


@bp.post("/round/resume")
def resume_round(cafe_id: int, secret: str) -> str | BaseResponse:
    """Let the clock run again."""
    return _act(cafe_id, secret, announce_timer_and_console, round_service.resume_round)


@bp.post("/round/extend")
def extend_round(cafe_id: int, secret: str) -> str | BaseResponse:
    """Add minutes to the current round."""
    minutes = request.form.get("minutes", "")
    return _act(cafe_id, secret, announce_timer_and_console, round_service.extend_round, minutes)


@bp.post("/round/end")
def end_round(cafe_id: int, secret: str) -> str | BaseResponse:
    """End the current round at once; then plan where everyone goes next and tell the phones."""
    _, request = _write(cafe_id, secret, round_service.end_current_round)
    announce_timer(cafe_id)
    if request is not None:
        # PlanOutdated: the next round was started (and planned) meanwhile.
        with suppress(seating_service.PlanOutdated):
            _plan_and_store(cafe_id, secret, request, seating_service.store_plan)
    announce_round_change(cafe_id)
    return _done(cafe_id, secret)


@bp.post("/broadcast")
def broadcast(cafe_id: int, secret: str) -> str | BaseResponse:
    """Show a message on every screen; *Clear message* (or empty text) takes it down."""
    message = "" if request.form.get("action") == "clear" else request.form.get("message", "")
    return _act(cafe_id, secret, announce_broadcast, round_service.set_broadcast, message)


@bp.post("/notes/<note_id>/<any(hide, show):action>")
def moderate_note(cafe_id: int, secret: str, note_id: str, action: str) -> tuple[str, int]:
    """Hide a note from the wall, the phones and the harvest at once, or show it again."""
    note = _write(cafe_id, secret, moderation.set_note_hidden, note_id, action == "hide")
    announce_note_changed(note.id)
    return "", 204


@bp.post("/joining")
def joining(cafe_id: int, secret: str) -> str | BaseResponse:
    """Close the café to new participants (open=0), or open it again (open=1)."""
    is_open = request.form.get("open") == "1"
    return _act(cafe_id, secret, announce_people, participant_service.set_joining_open, is_open)


@bp.post("/projector/harvest")
def projector_harvest(cafe_id: int, secret: str) -> str | BaseResponse:
    """Switch every projector of the café to the harvest view."""
    path, room = _write(cafe_id, secret, _harvest_target)
    socketio.emit("navigate", {"path": path}, to=room)
    return _done(cafe_id, secret)


def _harvest_target(db: Session, cafe: Cafe) -> tuple[str, str]:
    """Log the switch; the harvest view's path and the room of every projector to send there."""
    audit.record(db, cafe, "host", "projector_harvest")
    # Every projector that opened the current link (the harvest view ignores it).
    return projector_path(cafe) + "/harvest", link_room(cafe.id, "projector", cafe.projector_secret)


def _manage_person(
    cafe_id: int, secret: str, participant_id: object, action: str, table_id: str
) -> str | BaseResponse:
    """Move someone, make them a table host (or unmark), or mark them as gone or here."""
    touched: set[int] = set()  # tables whose "At this table" lists change

    def apply(db: Session, cafe: Cafe) -> None:
        person = participant_service.get_participant(db, cafe, participant_id)
        before = participant_service.current_seat(db, cafe, person)
        if before is not None:
            touched.add(before.table_id)
        if action == "move":
            seat = participant_service.move_participant(db, cafe, person, table_id)
            touched.add(seat.table_id)
        elif action == "table-host":
            if person.hosted_table_id:
                touched.add(person.hosted_table_id)
            participant_service.set_table_host(db, cafe, person, table_id)
            if person.hosted_table_id:
                touched.add(person.hosted_table_id)
        elif action in ("gone", "here"):
            participant_service.set_presence(db, person, action == "here")
            touched.clear()
        else:
            raise InvalidInput(N_("Choose what to do."))

    result = _act(cafe_id, secret, announce_people, apply)
    if action in ("move", "table-host"):
        person_id = int(str(participant_id))
        announce_tables(cafe_id, touched)
        # The person's own phones get their new panel and a word on what changed.
        announce_seat(cafe_id, person_id)
        notify(cafe_id, person_id, _move_notice if action == "move" else _host_notice)
    return result


def _move_notice(db: Session, cafe: Cafe, person: Participant) -> str:
    seat = participant_service.current_seat(db, cafe, person)
    if seat is None:
        return str(gettext("The host moved you."))
    return str(gettext("The host moved you to Table %(n)s.", n=seat.table.number))


def _host_notice(_db: Session, _cafe: Cafe, person: Participant) -> str:
    if person.hosted_table is None:
        return str(gettext("You no longer host a table."))
    return str(gettext("You host Table %(n)s — stay here.", n=person.hosted_table.number))


@bp.post("/people/<int:participant_id>/move")
def move(cafe_id: int, secret: str, participant_id: int) -> str | BaseResponse:
    """Move someone to another table in the current round."""
    table_id = request.form.get("table_id", "")
    return _manage_person(cafe_id, secret, participant_id, "move", table_id)


@bp.post("/people/<int:participant_id>/table-host")
def table_host(cafe_id: int, secret: str, participant_id: int) -> str | BaseResponse:
    """Make someone a table's host (they stay there every round), or unmark them."""
    table_id = request.form.get("table_id", "")
    return _manage_person(cafe_id, secret, participant_id, "table-host", table_id)


@bp.post("/people/<int:participant_id>/presence")
def presence(cafe_id: int, secret: str, participant_id: int) -> str | BaseResponse:
    """Mark someone as here or gone."""
    action = "here" if request.form.get("present") == "1" else "gone"
    return _manage_person(cafe_id, secret, participant_id, action, "")


@bp.post("/people/manage")
def manage(cafe_id: int, secret: str) -> str | BaseResponse:
    """One form for the people panel: move, table host, gone or here."""
    form = request.form
    return _manage_person(
        cafe_id,
        secret,
        form.get("participant_id", ""),
        form.get("action", ""),
        form.get("table_id", ""),
    )


def announce_timer_and_console(cafe_id: int) -> None:
    """Timer changes go to every screen; the console's buttons change too."""
    announce_timer(cafe_id)
    announce_people(cafe_id)
