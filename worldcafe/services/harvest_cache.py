"""One synthesis per state of a café's harvest: computed once, shared by every reader.

The organiser's harvest page, the projector's harvest view, a table host's summary and the
documents read the same synthesis. It is kept under a version made of everything it is
computed from (the visible notes with their tables, themes, rounds, questions, votes,
authors, languages and key marks, the organiser's curation and the café's language): a new,
edited, hidden or voted note or a curation step is a new version, so a stale harvest is
never served, and nothing has to remember to invalidate it. A request for a version that is
being computed waits for that computation rather than starting its own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _digest(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def harvest_version(language: str, curation: object, notes: Sequence[Any]) -> tuple[str, str]:
    """What a synthesis is computed from (`notes` are synthesis.Note), as two digests: the
    frame (the café's language and the organiser's curation) and the notes.

    A note's fields are plain values, read as they are: `dataclasses.astuple` copies each one
    deeply, which made this a tenth of the time of reading a café's notes while a harvest is
    kept fresh beside the live notes."""
    return _digest([language, curation]), _digest([tuple(vars(n).values()) for n in notes])


def only_added_since(kept: Any, notes: Sequence[Any]) -> list[Any] | None:
    """The notes added since a kept synthesis was made, if nothing else changed (the kept
    one's notes are all still there, unchanged); None if something else changed."""
    current = {note.note_id: note for note in notes}
    if any(current.get(note_id) != note for note_id, note in kept.notes.items()):
        return None
    added = [note for note in notes if note.note_id not in kept.notes]
    return added or None


class _Running(Generic[T]):
    """A computation under way, which other requests for the same version wait for."""

    def __init__(self) -> None:
        self.finished = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None

    def wait(self) -> T:
        self.finished.wait()
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


class VersionCache(Generic[T]):
    """The newest value of each slot (a café, a café's document), kept with its version.

    `get` answers the slot's value when its version matches, else computes it once however
    many requests ask at the same time; at most `size` slots are kept, least recently used
    dropped first. `computed` counts the computations that ran.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.computed = 0
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()
        self._running: dict[tuple[Hashable, Hashable], _Running[T]] = {}
        self._started: dict[Hashable, Hashable] = {}

    def peek(self, slot: Hashable, version: Hashable) -> T | None:
        """The slot's value if it is of this version."""
        with self._lock:
            found = self._values.get(slot)
            if found is None or found[0] != version:
                return None
            self._values.move_to_end(slot)
            return found[1]

    def latest(self, slot: Hashable) -> tuple[Hashable, T] | None:
        """The slot's kept version and value, whatever the version."""
        with self._lock:
            return self._values.get(slot)

    def get(self, slot: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        """The slot's value of this version: kept, being computed, or computed now."""
        with self._lock:
            found = self._values.get(slot)
            if found is not None and found[0] == version:
                self._values.move_to_end(slot)
                return found[1]
            running = self._running.get((slot, version))
            owner = running is None
            if running is None:
                running = self._running[(slot, version)] = _Running()
                self._started[slot] = version
        if not owner:
            return running.wait()
        try:
            value = compute()
        except BaseException as error:
            with self._lock:
                del self._running[(slot, version)]
            running.error = error
            running.finished.set()
            raise
        with self._lock:
            self.computed += 1
            del self._running[(slot, version)]
            # A slow computation of an older version does not replace a newer one.
            if self._started.get(slot) == version or slot not in self._values:
                self._values[slot] = (version, value)
                self._values.move_to_end(slot)
            if self._started.get(slot) == version:
                del self._started[slot]
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        running.value = value
        running.finished.set()
        return value

    def forget(self, cafe_id: int) -> None:
        """Drop the values of a café's slots (slots are tuples that begin with its id)."""
        with self._lock:
            for slot in [s for s in self._values if isinstance(s, tuple) and s[0] == cafe_id]:
                del self._values[slot]


def forget_cafe(cafe_id: int) -> None:
    """A café was deleted or its names erased: nothing of it stays in memory."""
    SYNTHESES.forget(cafe_id)
    DOCUMENTS.forget(cafe_id)


# The harvests of the cafés most recently looked at, and their rendered documents. A
# synthesis is a pure function of its input, so one cache serves the whole process.
SYNTHESES: VersionCache[Any] = VersionCache(size=16)
DOCUMENTS: VersionCache[bytes] = VersionCache(size=12)
