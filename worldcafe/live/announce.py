"""Announcements: what the server tells the screens after a change is committed.

Each function says who hears it. Fragments are rendered once per audience and language
(rooms.py says which rooms); `cut_off_*` disconnect the sockets whose identity a change ended.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, render_template
from flask_babel import get_locale

from worldcafe import presenters
from worldcafe.extensions import database
from worldcafe.i18n import speaking
from worldcafe.live import fragments, rooms
from worldcafe.live.harvest_refresh import harvest_changed
from worldcafe.live.transport import cut_off, socketio
from worldcafe.models import Cafe, Note, Participant
from worldcafe.reads import notes as note_reads
from worldcafe.reads import screens
from worldcafe.services import notes as note_service
from worldcafe.services import participants as participant_service
from worldcafe.services.cafes import offered_languages

T = TypeVar("T")


def cut_off_link(cafe_id: int, role: str, old_secret: str) -> None:
    """A link was renewed: every socket opened with the old one is disconnected."""
    cut_off(rooms.link_room(cafe_id, role, old_secret))


def cut_off_participant(participant_id: int) -> None:
    """A participant left: every socket of theirs is disconnected."""
    cut_off(rooms.participant_room(participant_id))


def cut_off_cafe(cafe_id: int) -> None:
    """A café was deleted: every socket of it is disconnected."""
    cut_off(rooms.cafe_room(cafe_id))


def cut_off_organiser(organiser_id: int, ended_epoch: int) -> None:
    """An organiser signed out: every socket they opened while signed in is disconnected."""
    cut_off(rooms.organiser_room(organiser_id, ended_epoch))


def _once(read: Callable[[], T], render: Callable[[T], str]) -> Callable[[], str]:
    """A render for each language from one context, read at the first language in use."""
    context: list[T] = []

    def render_now() -> str:
        if not context:
            context.append(read())
        return render(context[0])

    return render_now


def _emit_localized(
    kind: str, cafe: Cafe | int, render: Callable[[], str], offered: list[str] | None = None
) -> None:
    """Render once per language in use and send each to that language's room."""
    if isinstance(cafe, Cafe):
        cafe_id, languages = cafe.id, offered_languages(cafe)
    else:
        cafe_id, languages = cafe, list(offered or [])
    for lang in rooms.languages(kind, cafe_id, languages):
        with speaking(lang):
            html = render()
        _emit_fragment(html, f"{kind}:{cafe_id}:{lang}")


def _emit_fragment(html: str, to: str | list[str], skip_sid: str | None = None) -> None:
    if to:
        socketio.emit("fragment", {"html": html}, to=to, skip_sid=skip_sid)


def announce_note(
    posted: note_service.PostedNote,
    cafe_id: int,
    offered: list[str],
    *,
    skip_sid: str | None = None,
    rendered: dict[str, str] | None = None,
) -> None:
    """A new note: prepended on its table's phones, the host console and the projector wall.

    Everything comes loaded in `posted`: one render per language and audience, no query;
    `rendered` holds the note as its phones show it in the languages it was made in already.
    """
    view = posted.view
    harvest_changed(cafe_id)
    made = rendered or {}
    for lang, people in posted.recipients.items():
        with speaking(lang):
            html = fragments.participant_note_new(view, lang, made.get(lang))
        _emit_fragment(html, [rooms.participant_room(pid) for pid in people], skip_sid)
    _emit_localized("host", cafe_id, lambda: fragments.host_note_new(view), offered)
    _emit_localized(
        "projector",
        cafe_id,
        lambda: fragments.projector_note_new(view, str(get_locale())),
        offered,
    )


def announce_note_changed(note_id: int) -> None:
    """An edited, withdrawn, voted or marked note: replaced (or removed) on every screen."""
    with database().read() as db:
        note = db.get(Note, note_id)
        if note is None:
            return
        cafe = db.get(Cafe, note.cafe_id)
        assert cafe is not None
        harvest_changed(cafe.id)
        view = note_reads.note_view(db, note)
        insights = note_reads.insight_note_ids(db, note.table)
        current = participant_service.latest_started_round(db, cafe)
        for lang, people in rooms.table_rooms(db, cafe, current, note.table_id).items():
            with speaking(lang):
                _emit_fragment(fragments.participant_note_changed(view, insights, lang), people)
        _emit_localized("host", cafe, lambda: fragments.host_note_changed(view, insights))
        _emit_localized(
            "projector", cafe, lambda: fragments.projector_note_changed(view, str(get_locale()))
        )


def announce_timer(cafe_id: int) -> None:
    """The countdown changed (start, pause, resume, extend, end): every screen re-syncs it."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is not None:
            socketio.emit("timer", screens.timer_payload(cafe), to=f"cafe:{cafe_id}")


def announce_round(cafe_id: int) -> None:
    """A round started or ended: new seats to every phone (one render per table), consoles."""
    announce_timer(cafe_id)
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is None:
            return
        for html, rooms in presenters.participant_panels_by_table(db, cafe):
            _emit_fragment(html, rooms)
        _emit_localized(
            "host",
            cafe,
            _once(lambda: screens.host_context(db, cafe), presenters.render_host_console),
        )
        _emit_localized(
            "projector",
            cafe,
            _once(lambda: screens.projector_context(db, cafe), presenters.render_projector),
        )


def announce_people(cafe_id: int) -> None:
    """Someone joined, left, moved or became a table host: consoles and projector update.

    One refresh at a time per café and process, at most one per PEOPLE_REFRESH_SECONDS, the
    last change always shown: the console renders every table, and a wave of hundreds of
    joins must neither render it per join nor hold a database connection per join.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    every = float(app.config.get("PEOPLE_REFRESH_SECONDS", 0.0 if app.testing else 1.0))
    if every <= 0:
        _announce_people_now(cafe_id)
        return
    state: dict[str, set[int]] = app.extensions.setdefault(
        "worldcafe.people_refresh", {"running": set(), "dirty": set()}
    )
    if cafe_id in state["running"]:
        state["dirty"].add(cafe_id)
        return
    state["running"].add(cafe_id)
    socketio.start_background_task(_refresh_people, app, cafe_id, every)


def _refresh_people(app: Flask, cafe_id: int, every: float) -> None:
    """Refresh now, then again every `every` seconds for as long as people keep changing."""
    state = app.extensions["worldcafe.people_refresh"]
    try:
        while True:
            state["dirty"].discard(cafe_id)
            # Templates need a request context (url_for, the session) even outside a request.
            with app.test_request_context("/"):
                try:
                    _announce_people_now(cafe_id)
                except Exception:  # the next change refreshes again
                    app.logger.exception("People refresh failed")
            socketio.sleep(every)
            if cafe_id not in state["dirty"]:
                return
    finally:
        state["running"].discard(cafe_id)


def _announce_people_now(cafe_id: int) -> None:
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is None:
            return
        _emit_localized(
            "host",
            cafe,
            _once(lambda: screens.host_context(db, cafe), presenters.render_host_console),
        )
        _emit_localized(
            "projector",
            cafe,
            _once(lambda: screens.join_count(db, cafe), presenters.render_join_count),
        )


def announce_seat(cafe_id: int, participant_id: int) -> None:
    """One participant's seat changed (a move by the host): their phones get the new panel."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        participant = db.get(Participant, participant_id)
        if cafe is None or participant is None:
            return
        with speaking(participant.language or cafe.language):
            html = presenters.participant_panel_html(db, cafe, participant)
        _emit_fragment(html, f"participant:{participant_id}")


def announce_broadcast(cafe_id: int) -> None:
    """The host's message: shown on every screen of the café."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is None:
            return
        message = cafe.broadcast
        for lang in offered_languages(cafe):
            with speaking(lang):
                html = render_template("_broadcast.html", message=message, oob=True)
            _emit_fragment(html, f"cafe:{cafe_id}:{lang}")


def announce_harvest(cafe_id: int) -> None:
    """The organiser curated the harvest: the projector's harvest view follows."""
    harvest_changed(cafe_id)
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is not None:
            _emit_localized(
                "harvest",
                cafe,
                _once(
                    lambda: screens.projector_harvest_context(db, cafe),
                    presenters.render_projector_harvest,
                ),
            )
