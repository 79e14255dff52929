"""Live moderation: the host or the organiser hides a note everywhere, or shows it again."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worldcafe.models import Cafe, Note, Participant, Round, Vote
from worldcafe.services import audit, harvest
from worldcafe.services.notes import NoteView, get_note


def set_note_hidden(
    session: Session, cafe: Cafe, note_id: object, hidden: bool, *, actor: str = "host"
) -> Note:
    """Hide a note from the wall, the phones, the tablecloths and the harvest, or show it again.

    The note is kept (a hidden note can be shown again); every change is in the audit log.
    """
    note = get_note(session, cafe.id, note_id)
    if not hidden and str(note.id) in _curation_hides(cafe):
        # Shown by the host: the harvest shows it again too.
        harvest.curate(session, cafe, {"op": "unhide", "note_id": str(note.id)})
    if note.hidden != hidden:
        note.hidden = hidden
        audit.record(
            session,
            cafe,
            actor,
            "hide_note" if hidden else "show_note",
            f"{note.id}: {note.text[:80]}",
        )
    return note


def _curation_hides(cafe: Cafe) -> set[str]:
    """The note ids the organiser's curation hides now (hide not undone by a later unhide)."""
    hidden: set[str] = set()
    for op in (cafe.curation or {}).get("ops", []):
        if op.get("op") == "hide":
            hidden.add(str(op.get("note_id")))
        elif op.get("op") == "unhide":
            hidden.discard(str(op.get("note_id")))
    return hidden


def show_notes_hidden_by_curation(session: Session, cafe: Cafe) -> list[int]:
    """Before the curation is reset: show again the notes it hid; their ids."""
    shown = []
    for note_id in sorted(_curation_hides(cafe)):
        note = session.get(Note, int(note_id)) if note_id.isdigit() else None
        if note is not None and note.cafe_id == cafe.id and note.hidden and not note.deleted:
            set_note_hidden(session, cafe, note.id, False, actor="organiser")
            shown.append(note.id)
    return shown


def hidden_notes_by_table(session: Session, cafe: Cafe) -> dict[int, list[NoteView]]:
    """The café's hidden notes, newest first, by table id (the host console keeps them)."""
    labels = {t.id: (t.number, t.theme.name) for t in cafe.tables}
    votes = select(Vote.note_id, func.count(Vote.id).label("n")).group_by(Vote.note_id).subquery()
    rows = session.execute(
        select(Note, func.coalesce(votes.c.n, 0), Participant.name, Round.number)
        .join(Round, Round.id == Note.round_id)
        .outerjoin(Participant, Participant.id == Note.participant_id)
        .outerjoin(votes, votes.c.note_id == Note.id)
        .where(Note.cafe_id == cafe.id, Note.hidden.is_(True), Note.deleted.is_(False))
        .order_by(Note.created_at.desc(), Note.id.desc())
    ).all()
    out: dict[int, list[NoteView]] = {}
    for note, count, name, number in rows:
        table_number, theme = labels.get(note.table_id, (0, ""))
        out.setdefault(note.table_id, []).append(
            NoteView(note, int(count), name or "", number, table_number, theme)
        )
    return out
