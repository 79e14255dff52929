"""Sentence vectors of notes, computed beside the note's path and stored with the note.

A note is stored without its vector (the phone hears back at once); a background loop of the
serving process picks up notes without one, has them computed by the vector process (a child
process that holds the model, vector_process.py) and stores them, so the harvest finds them
ready. A rewritten note loses its vector (models.Note) and is picked up again. The harvest
computes what is still missing itself, by the vector process when one runs (`embedder`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from worldcafe import vector_process
from worldcafe.models import Note
from worldcafe.services.long_reads import in_turns

if TYPE_CHECKING:
    import numpy as np

    from worldcafe.synthesis.semantic import Embedder

BATCH = 64


# Notes still to be computed above an id, oldest first: read through the partial index
# ix_note_vector_missing (models.Note), so a look costs the notes without a vector.
MISSING = (
    select(Note.id, Note.text)
    .where(Note.id > bindparam("after"), Note.vector.is_(None), Note.deleted.is_(False))
    .order_by(Note.id)
    .limit(bindparam("limit"))
)


def notes_without_vectors(db: Session, limit: int = BATCH, after: int = 0) -> list[tuple[int, str]]:
    """Ids and texts of notes whose vector is still to be computed, oldest first (of those
    with an id above `after`)."""
    rows = db.execute(MISSING, {"after": after, "limit": limit}).all()
    return [(int(note_id), str(text)) for note_id, text in rows]


_STORE = (
    update(Note.__table__)  # type: ignore[arg-type]
    .where(Note.__table__.c.id == bindparam("note"), Note.__table__.c.text == bindparam("was"))
    .values(vector=bindparam("data"))
)


def store_vectors(db: Session, vectors: Sequence[tuple[int, str, bytes]]) -> None:
    """Store vectors of notes whose text is still the one they were computed from.

    One statement for the batch, past the ORM: the serving process runs it beside the sockets.
    """
    if vectors:
        db.connection().execute(
            _STORE, [{"note": i, "was": text, "data": data} for i, text, data in vectors]
        )


def stored_vector_data(db: Session, cafe_id: int) -> dict[str, bytes]:
    """The stored vectors of a café's notes as stored, by note id as the synthesis names
    notes."""
    rows = db.execute(
        select(Note.id, Note.vector).where(Note.cafe_id == cafe_id, Note.vector.is_not(None))
    )
    return {str(note_id): bytes(data) for note_id, data in in_turns(rows) if data is not None}


def stored_vectors(db: Session, cafe_id: int) -> dict[str, np.ndarray]:
    """The stored vectors of a café's notes, by note id as the synthesis names notes."""
    from worldcafe.synthesis import vector_from_bytes

    found: dict[str, np.ndarray] = {}
    for note_id, data in stored_vector_data(db, cafe_id).items():
        vector = vector_from_bytes(data)
        if vector is not None:
            found[note_id] = vector
    return found


def embedder() -> Embedder | None:
    """How this process computes missing vectors: its vector process, when one runs (else
    None: the synthesis loads the model itself)."""
    process = vector_process.running()
    return process.encode if process is not None else None


def computed_apart() -> vector_process.VectorProcess | None:
    """The child process that computes syntheses for this one, when it runs."""
    return vector_process.running()


def compute(texts: Sequence[str]) -> list[bytes]:
    """Vectors of texts as stored with notes, by the model in this process (CPU-heavy)."""
    from worldcafe.synthesis import encode, vector_to_bytes

    return [vector_to_bytes(v) for v in encode(list(texts))]


def fill_missing(
    read: Callable[[], Any],
    write: Callable[[], Any],
    run: Callable[[Callable[[], list[bytes]]], list[bytes]] = lambda work: work(),
    limit: int = BATCH,
    compute: Callable[[Sequence[str]], list[bytes]] = compute,
) -> int:
    """One round of the background work: compute and store up to `limit` missing vectors;
    returns how many notes were computed.

    `read` and `write` open sessions (context managers); `run` runs the computation (in a
    worker thread when serving) so that no session is held while the model works; `compute`
    gives the vectors as stored (the vector process's when serving; the model in this process
    by default).
    """
    return len(_fill(read, write, run, limit, compute, 0))


def _fill(
    read: Callable[[], Any],
    write: Callable[[], Any],
    run: Callable[[Callable[[], list[bytes]]], list[bytes]],
    limit: int,
    compute: Callable[[Sequence[str]], list[bytes]],
    after: int,
) -> list[tuple[int, str]]:
    with read() as db:
        todo = notes_without_vectors(db, limit, after)
    if todo:
        data = run(lambda: compute([text for _, text in todo]))
        with write() as db:
            store_vectors(db, [(i, t, d) for (i, t), d in zip(todo, data, strict=True)])
    return todo


class Backlog:
    """The serving process's background loop over notes without vectors.

    It looks only at notes newer than the newest it has seen (a range of the primary key, so a
    look costs the new notes, not the whole table, while the café writes), and from the first
    note again every `rescan` seconds: an edited note loses its vector and is older, and on
    PostgreSQL ids can commit out of order. The harvest computes whatever is still missing.
    """

    def __init__(self, rescan: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.rescan = rescan
        self.clock = clock
        self.after = 0
        self.rescan_at = clock() + rescan

    def fill(
        self,
        read: Callable[[], Any],
        write: Callable[[], Any],
        run: Callable[[Callable[[], list[bytes]]], list[bytes]],
        compute: Callable[[Sequence[str]], list[bytes]],
        limit: int = BATCH,
    ) -> int:
        """One round: compute and store up to `limit` missing vectors; how many were."""
        if self.clock() >= self.rescan_at:
            self.after, self.rescan_at = 0, self.clock() + self.rescan
        todo = _fill(read, write, run, limit, compute, self.after)
        if todo:
            self.after = max(i for i, _ in todo)
        return len(todo)
