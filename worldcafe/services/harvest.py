"""The harvest of a café: its notes handed to the synthesis, and every export format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

# The synthesis's names load on first use: reading a made synthesis (its data classes, the
# plenary points) loads neither scikit-learn nor the sentence model.
from worldcafe import synthesis
from worldcafe.catalogues import catalogue
from worldcafe.messages import N_
from worldcafe.models import (
    AuditEvent,
    Cafe,
    CafeTable,
    KeyInsight,
    Note,
    Participant,
    Round,
    Seat,
    Theme,
    Vote,
)
from worldcafe.offload import offload
from worldcafe.services.cafes import get_cafe
from worldcafe.services.errors import InvalidInput, NotFound
from worldcafe.services.harvest_cache import (
    DOCUMENTS,
    SYNTHESES,
    harvest_version,
    only_added_since,
)
from worldcafe.services.join_fields import answer_counts, fields_of
from worldcafe.services.long_reads import in_turns
from worldcafe.services.rounds import active_round
from worldcafe.services.text_input import clean_text
from worldcafe.services.vectors import (
    computed_apart,
    embedder,
    stored_vector_data,
    stored_vectors,
)
from worldcafe.vector_process import VectorsUnavailable


def _notes(db: Session, cafe: Cafe) -> list[tuple[Note, int]]:
    votes = select(Vote.note_id, func.count(Vote.id).label("n")).group_by(Vote.note_id).subquery()
    rows = db.execute(
        select(Note, func.coalesce(votes.c.n, 0))
        .outerjoin(votes, votes.c.note_id == Note.id)
        .where(Note.cafe_id == cafe.id, Note.deleted.is_(False))
        .order_by(Note.id)
    ).all()
    return [(note, int(count)) for note, count in rows]


def synthesis_notes(db: Session, cafe: Cafe, *, anonymise: bool = False) -> list[synthesis.Note]:
    """The café's visible notes with their table, theme, round, question, votes and key mark.

    One query of plain columns: this is read on every look at the harvest (its version), in
    turns, so that the sockets of a big café are served while it is read."""
    insights = set(
        db.scalars(
            select(KeyInsight.note_id)
            .join(Round, Round.id == KeyInsight.round_id)
            .where(Round.cafe_id == cafe.id)
        )
    )
    votes = select(Vote.note_id, func.count(Vote.id).label("n")).group_by(Vote.note_id).subquery()
    rows = db.execute(
        select(
            Note.id,
            Note.text,
            Note.language,
            CafeTable.number,
            CafeTable.theme_id,
            Round.number,
            Participant.name,
            func.coalesce(votes.c.n, 0),
        )
        .join(CafeTable, CafeTable.id == Note.table_id)
        .join(Round, Round.id == Note.round_id)
        .outerjoin(Participant, Participant.id == Note.participant_id)
        .outerjoin(votes, votes.c.note_id == Note.id)
        .where(Note.cafe_id == cafe.id, Note.deleted.is_(False), Note.hidden.is_(False))
        .order_by(Note.id)
    )
    themes = {
        theme.id: theme for theme in db.scalars(select(Theme).where(Theme.cafe_id == cafe.id))
    }
    questions: dict[tuple[int, int], str] = {}
    out = []
    for note_id, text, language, table, theme_id, round_number, name, count in in_turns(rows):
        theme = themes[theme_id]
        if (theme_id, round_number) not in questions:
            questions[(theme_id, round_number)] = theme.question_for(round_number)
        out.append(
            synthesis.Note(
                note_id=str(note_id),
                table=f"Table {table}",
                theme=theme.name,
                text=text,
                round=round_number,
                question=questions[(theme_id, round_number)],
                votes=int(count),
                language=language,
                author=None if anonymise else name,
                key=note_id in insights,
            )
        )
    return out


def curation_of(cafe: Cafe) -> synthesis.Curation | None:
    """The organiser's stored curation of the harvest."""
    return synthesis.Curation.from_dict(cafe.curation) if cafe.curation else None


def attendance(db: Session, cafe: Cafe) -> list[tuple[int, int]]:
    """People seated in each started round."""
    rows = db.execute(
        select(Round.number, func.count(Seat.id))
        .join(Seat, Seat.round_id == Round.id)
        .where(Round.cafe_id == cafe.id, Round.started_at.is_not(None))
        .group_by(Round.number)
        .order_by(Round.number)
    ).all()
    return [(int(n), int(c)) for n, c in rows]


def key_insights(db: Session, cafe: Cafe) -> dict[str, list[str]]:
    """The key insights table hosts marked, per table."""
    rows = db.scalars(
        select(KeyInsight)
        .join(Round, Round.id == KeyInsight.round_id)
        .where(Round.cafe_id == cafe.id)
    )
    out: dict[str, list[str]] = {}
    for insight in rows:
        if insight.note.deleted or insight.note.hidden:
            continue
        out.setdefault(f"Table {insight.note.table.number}", []).append(insight.note.text)
    return out


def cafe_record(db: Session, cafe: Cafe, *, anonymise: bool = False) -> dict[str, Any]:
    """The whole café as data: tables, rounds, questions, seats, notes, votes and insights."""
    people = {
        p.id: p for p in db.scalars(select(Participant).where(Participant.cafe_id == cafe.id))
    }

    def name(pid: int | None) -> str | None:
        if anonymise or pid is None or pid not in people:
            return None
        return people[pid].name

    rounds = []
    for r in cafe.rounds:
        seats = db.scalars(select(Seat).where(Seat.round_id == r.id).order_by(Seat.id))
        by_table: dict[str, list[Any]] = {}
        for seat in seats:
            by_table.setdefault(str(seat.table.number), []).append(
                name(seat.participant_id) or seat.participant_id
            )
        rounds.append(
            {
                "number": r.number,
                "status": r.status,
                "started_at": r.started_at.isoformat() if r.started_at else None,
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                "duration_seconds": r.duration_seconds,
                "questions": {t.name: t.question_for(r.number) for t in cafe.themes},
                "seats": by_table,
            }
        )
    insight_ids = set(
        db.scalars(
            select(KeyInsight.note_id)
            .join(Round, Round.id == KeyInsight.round_id)
            .where(Round.cafe_id == cafe.id)
        )
    )
    notes = [
        {
            "note_id": str(note.id),
            "client_id": note.client_id,
            "table": note.table.number,
            "theme": note.table.theme.name,
            "round": note.round.number,
            "text": note.text,
            "author": name(note.participant_id),
            "language": note.language,
            "votes": votes,
            "key_insight": note.id in insight_ids,
            "hidden": note.hidden,
            "created_at": note.created_at.isoformat(),
            "edited_at": note.edited_at.isoformat() if note.edited_at else None,
        }
        for note, votes in _notes(db, cafe)
    ]
    return {
        "id": cafe.id,
        "title": cafe.title,
        "language": cafe.language,
        "rounds_planned": cafe.n_rounds,
        "round_minutes": cafe.round_minutes,
        "themes": [
            {"name": t.name, "questions": [q.text for q in t.questions]} for t in cafe.themes
        ],
        "tables": [
            {"number": t.number, "theme": t.theme.name, "capacity": t.capacity} for t in cafe.tables
        ],
        "rounds": rounds,
        "participants": 0 if not people else len(people),
        **_join_answers(cafe, list(people.values()), anonymise=anonymise),
        "notes": notes,
        "languages": dict(Counter(n["language"] or "?" for n in notes)),
    }


def _join_answers(cafe: Cafe, people: list[Participant], *, anonymise: bool) -> dict[str, Any]:
    """The questions at the door with counts of the answers; each person's only by name."""
    fields = fields_of(cafe.join_fields)
    out: dict[str, Any] = {
        "join_fields": [f.to_dict() for f in fields],
        "answers": answer_counts(fields, [p.attributes for p in people]),
    }
    if not anonymise:
        out["people"] = [
            {
                "id": p.id,
                "name": p.name,
                "answers": dict(p.attributes or {}),
                "host_table": p.hosted_table.number if p.hosted_table is not None else None,
                "present": p.present,
            }
            for p in sorted(people, key=lambda p: p.id)
        ]
    return out


def harvest(
    db: Session, cafe: Cafe, *, anonymise: bool = False, in_process_fallback: bool = True
) -> synthesis.Synthesis:
    """The café's synthesis with the organiser's curation applied (computed once per version
    of its notes and curation, however many screens ask; see harvest_cache.py).

    It is computed by the vector process when one runs; should that fail, in this process
    unless `in_process_fallback` is false (then VectorsUnavailable is raised)."""
    return _versioned_harvest(
        db, cafe, anonymise=anonymise, in_process_fallback=in_process_fallback
    )[1]


def harvest_so_far(db: Session, cafe: Cafe) -> tuple[synthesis.Synthesis, list[synthesis.Note]]:
    """For screens that can wait for the newest notes: the current synthesis if it is made,
    else, while a round is on, the last one made when only notes were added since (with those
    notes apart, to be shown as not yet grouped; the caller has the current one computed).
    Computed now after any other change (a curation step, an edit, a vote, a hidden or
    withdrawn note) and once no round is on: then every note is in."""
    notes = synthesis_notes(db, cafe)
    version = harvest_version(cafe.language, cafe.curation, notes)
    kept = SYNTHESES.latest((cafe.id, False))
    if (
        kept is not None
        and kept[0] != version
        and isinstance(kept[0], tuple)
        and active_round(cafe) is not None
    ):
        added = only_added_since(kept[1], notes) if kept[0][0] == version[0] else None
        if added is not None:
            return kept[1], added
    return _versioned_harvest(db, cafe, anonymise=False, notes=notes)[1], []


def harvest_is_current(db: Session, cafe: Cafe) -> bool:
    """Whether the synthesis of the café's notes and curation as they are now is made."""
    version = harvest_version(cafe.language, cafe.curation, synthesis_notes(db, cafe))
    return SYNTHESES.peek((cafe.id, False), version) is not None


def _versioned_harvest(
    db: Session,
    cafe: Cafe,
    *,
    anonymise: bool,
    notes: list[synthesis.Note] | None = None,
    in_process_fallback: bool = True,
) -> tuple[tuple[str, str], synthesis.Synthesis]:
    cafe_language = cafe.language
    if notes is None:
        notes = synthesis_notes(db, cafe, anonymise=anonymise)
    version = harvest_version(cafe_language, cafe.curation, notes)

    def compute() -> synthesis.Synthesis:
        assert notes is not None  # (for the type checker: set above)
        apart = computed_apart()
        if apart is not None:
            # The child process computes it: this one imports no scikit-learn and holds
            # neither the memory nor the interpreter lock of the computation.
            data = stored_vector_data(db, cafe.id)
            curated = cafe.curation
            try:
                return offload(lambda: apart.synthesize(notes, curated, cafe_language, data))
            except VectorsUnavailable:
                if not in_process_fallback:
                    raise
        curation = curation_of(cafe)
        vectors = stored_vectors(db, cafe.id)
        encode = embedder()  # missing vectors come from the vector process when one runs
        # Plain data from here on: the synthesis runs beside the event loop, not on it.
        return offload(
            lambda: synthesis.synthesize(
                notes, curation, language=cafe_language, vectors=vectors, embedder=encode
            )
        )

    return version, SYNTHESES.get((cafe.id, anonymise), version, compute)


def _date(cafe: Cafe) -> str:
    started = [r.started_at for r in cafe.rounds if r.started_at is not None]
    return (min(started) if started else cafe.created_at).strftime("%Y-%m-%d")


def report_context(db: Session, cafe: Cafe, *, anonymise: bool = False) -> Any:
    """The café's facts for the documents: date, rounds, questions, people, curation."""
    people = db.scalar(
        select(func.count(func.distinct(Seat.participant_id)))
        .join(Round, Round.id == Seat.round_id)
        .where(Round.cafe_id == cafe.id, Round.started_at.is_not(None))
    )
    curation = curation_of(cafe)
    return synthesis.ReportContext(
        title=cafe.title,
        language=cafe.language,
        catalogue=catalogue(cafe.language),
        anonymise=anonymise,
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        date=_date(cafe),
        attendance=attendance(db, cafe),
        people=int(people or 0) or None,
        rounds=cafe.n_rounds,
        insights=key_insights(db, cafe),
        questions={t.name: [q.text for q in t.questions] for t in cafe.themes},
        theme_order=[t.name for t in cafe.themes],
        curation=list(curation.ops) if curation else [],
        description=cafe.purpose,
    )


def harvest_points(
    db: Session, cafe: Cafe, result: synthesis.Synthesis | None = None
) -> tuple[Any, list[tuple[str, list[Any]]]]:
    """The synthesis (the current one unless given) and, per theme in the café's order, its
    curated plenary points."""
    if result is None:
        result = harvest(db, cafe)
    curation = curation_of(cafe)
    ops = list(curation.ops) if curation else []
    names = [t.name for t in cafe.themes]
    present = [t.theme for t in result.themes]
    ordered = [n for n in names if n in present] + [n for n in present if n not in names]
    return result, [(name, synthesis.theme_points(result, name, ops)) for name in ordered]


def export_cafe(db: Session, cafe_id: object, fmt: str, *, anonymise: bool = False) -> bytes:
    """A café's synthesis in one format; JSON also carries the whole café record.

    A document is rendered once per version of the harvest and of the café's facts: a second
    download of the same harvest is the same file (with the time it was first made)."""
    cafe = get_cafe(db, cafe_id)
    version, result = _versioned_harvest(db, cafe, anonymise=anonymise)
    context = report_context(db, cafe, anonymise=anonymise)
    if fmt == "json":
        data = synthesis.synthesis_json(result, context)
        data["cafe"] = cafe_record(db, cafe, anonymise=anonymise)
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    facts = repr(dataclasses.replace(context, generated_at=""))

    def render() -> bytes:
        apart = computed_apart()
        if apart is not None:
            # Rendered by the child process too: seconds of pure Python, and the renderers'
            # fonts and libraries, stay out of the process serving the sockets.
            try:
                return offload(lambda: apart.render(result, fmt, context))
            except VectorsUnavailable:
                pass
        return offload(lambda: bytes(synthesis.render(result, fmt, context)))

    return DOCUMENTS.get((cafe.id, fmt, anonymise), (version, facts), render)


CURATION_OPS = ("rename", "merge", "split", "move", "hide", "unhide", "key")


def curate(db: Session, cafe: Cafe, op: dict[str, Any]) -> synthesis.Curation:
    """Append one organiser edit (rename, merge, split, move, hide, unhide, key) and store it."""
    if op.get("op") not in CURATION_OPS:
        raise InvalidInput(N_("Unknown curation step."))
    current = curation_of(cafe) or synthesis.Curation()
    try:
        checked = synthesis.Curation.from_dict({"ops": [op]})
    except ValueError as error:
        raise InvalidInput(
            N_("This curation step is malformed: %(problem)s"), problem=str(error)
        ) from None
    step = checked.ops[0]
    if step["op"] == "rename":
        step["label"] = clean_text(step["label"], field=N_("New name"), max_length=120)
        if not step["label"]:
            raise InvalidInput(N_("Give the cluster a name."))
    if step["op"] in ("merge", "split") and len(step["note_ids"]) < (
        2 if step["op"] == "merge" else 1
    ):
        raise InvalidInput(N_("Choose the notes or clusters first."))
    known = {str(n.id) for n, _ in _notes(db, cafe)}
    ids = step.get("note_ids") or [step.get("note_id"), step.get("to")]
    if any(i is not None and i not in known for i in ids):
        raise NotFound(N_("No such note in this café."))
    current.ops.append(step)
    cafe.curation = current.to_dict()
    db.add(AuditEvent(cafe_id=cafe.id, actor="organiser", action=f"curate_{step['op']}"))
    db.flush()
    return current


def reset_curation(db: Session, cafe: Cafe) -> None:
    """Drop every organiser edit of the harvest."""
    cafe.curation = None
    db.add(AuditEvent(cafe_id=cafe.id, actor="organiser", action="curate_reset"))
    db.flush()


def table_summary(db: Session, cafe: Cafe, table_number: int) -> synthesis.TableSynthesis | None:
    """The synthesis of one table (the café's, shared with every other reader of the harvest)."""
    result = harvest(db, cafe)
    return next((t for t in result.tables if t.table == f"Table {table_number}"), None)
