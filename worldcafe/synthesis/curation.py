"""Organiser edits of a synthesis, anchored on note ids so they survive a re-synthesis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

OPERATIONS = ("rename", "merge", "split", "move", "hide", "unhide", "key")


@dataclass
class Curation:
    """A log of edits, replayed in order on a fresh synthesis; unknown note ids are ignored.

    Operations (JSON objects):
    ``{"op": "rename", "note_id": n, "label": text}`` the cluster holding n;
    ``{"op": "merge", "note_ids": [n, m, …]}`` the clusters holding them, into n's;
    ``{"op": "split", "note_ids": [n, …]}`` these notes out into a new cluster;
    ``{"op": "move", "note_id": n, "to": m}`` n into m's cluster (same table);
    ``{"op": "hide" | "unhide", "note_id": n}``;
    ``{"op": "key", "note_id": n, "key": true | false}`` marks n's cluster as key.
    """

    ops: list[dict[str, Any]] = field(default_factory=list)

    def rename(self, note_id: str, label: str) -> None:
        """Name the cluster that holds note_id."""
        self.ops.append({"op": "rename", "note_id": note_id, "label": label.strip()})

    def merge(self, note_ids: Sequence[str]) -> None:
        """Merge the clusters holding these notes into the cluster of the first."""
        self.ops.append({"op": "merge", "note_ids": list(note_ids)})

    def split(self, note_ids: Sequence[str]) -> None:
        """Take these notes out into a cluster of their own."""
        self.ops.append({"op": "split", "note_ids": list(note_ids)})

    def move(self, note_id: str, to_note_id: str) -> None:
        """Move a note into the cluster of another note of its table."""
        self.ops.append({"op": "move", "note_id": note_id, "to": to_note_id})

    def hide(self, note_id: str) -> None:
        """Leave a note out of the synthesis and its exports."""
        self.ops.append({"op": "hide", "note_id": note_id})

    def unhide(self, note_id: str) -> None:
        """Bring a hidden note back."""
        self.ops.append({"op": "unhide", "note_id": note_id})

    def mark_key(self, note_id: str, key: bool = True) -> None:
        """Mark (or unmark) the cluster holding note_id as a key cluster."""
        self.ops.append({"op": "key", "note_id": note_id, "key": bool(key)})

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"version": 1, "ops": [dict(op) for op in self.ops]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Curation:
        """The curation of to_dict's output; raises ValueError on a malformed object."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError("curation must be an object")
        raw = data.get("ops", [])
        if not isinstance(raw, list):
            raise ValueError("curation 'ops' must be a list")
        return cls(ops=[_checked(op, index) for index, op in enumerate(raw, start=1)])


def _checked(op: Any, index: int) -> dict[str, Any]:
    where = f"curation operation {index}"
    if not isinstance(op, Mapping):
        raise ValueError(f"{where} must be an object")
    kind = op.get("op")
    if kind not in OPERATIONS:
        raise ValueError(f"{where}: unknown op {kind!r}")
    result: dict[str, Any] = {"op": kind}
    if kind in ("merge", "split"):
        ids = op.get("note_ids")
        if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
            raise ValueError(f"{where}: 'note_ids' must be a list of note ids")
        result["note_ids"] = [str(i) for i in ids]
        return result
    note_id = op.get("note_id")
    if not isinstance(note_id, str | int) or isinstance(note_id, bool):
        raise ValueError(f"{where}: 'note_id' must be a note id")
    result["note_id"] = str(note_id)
    if kind == "rename":
        label = op.get("label")
        if not isinstance(label, str):
            raise ValueError(f"{where}: 'label' must be text")
        result["label"] = label.strip()
    elif kind == "move":
        target = op.get("to")
        if not isinstance(target, str | int) or isinstance(target, bool):
            raise ValueError(f"{where}: 'to' must be a note id")
        result["to"] = str(target)
    elif kind == "key":
        result["key"] = bool(op.get("key", True))
    return result


@dataclass
class Draft:
    """Mutable clustering of one table while edits are replayed."""

    members: list[list[str]]
    labels: list[str | None]
    keys: list[bool]
    hidden: set[str] = field(default_factory=set)

    def where(self, note_id: str) -> int | None:
        for index, members in enumerate(self.members):
            if note_id in members:
                return index
        return None


def apply_curation(
    drafts: Mapping[str, Draft], table_of: Mapping[str, str], ops: Sequence[Mapping[str, Any]]
) -> None:
    """Replay edits on the drafts of every table, in order."""
    for op in ops:
        kind = op["op"]
        if kind in ("merge", "split"):
            ids = [i for i in op["note_ids"] if i in table_of]
            if not ids:
                continue
            draft = drafts[table_of[ids[0]]]
            ids = [i for i in ids if table_of[i] == table_of[ids[0]]]
            if kind == "merge":
                _merge(draft, ids)
            else:
                _split(draft, ids)
            continue
        note_id = op["note_id"]
        if note_id not in table_of:
            continue
        draft = drafts[table_of[note_id]]
        if kind == "hide":
            draft.hidden.add(note_id)
            continue
        if kind == "unhide":
            draft.hidden.discard(note_id)
            continue
        index = draft.where(note_id)
        if index is None:
            continue
        if kind == "rename":
            draft.labels[index] = op["label"] or None
        elif kind == "key":
            draft.keys[index] = bool(op["key"])
        elif kind == "move":
            target = op["to"]
            if table_of.get(target) != table_of[note_id]:
                continue
            destination = draft.where(target)
            if destination is None or destination == index:
                continue
            draft.members[index].remove(note_id)
            draft.members[destination].append(note_id)


def _merge(draft: Draft, ids: Sequence[str]) -> None:
    indexes: list[int] = []
    for note_id in ids:
        index = draft.where(note_id)
        if index is not None and index not in indexes:
            indexes.append(index)
    if len(indexes) < 2:
        return
    target = indexes[0]
    for index in indexes[1:]:
        draft.members[target].extend(draft.members[index])
        draft.members[index] = []
        if draft.labels[target] is None:
            draft.labels[target] = draft.labels[index]
        draft.keys[target] = draft.keys[target] or draft.keys[index]


def _split(draft: Draft, ids: Sequence[str]) -> None:
    moving = [i for i in dict.fromkeys(ids) if draft.where(i) is not None]
    if not moving:
        return
    for note_id in moving:
        index = draft.where(note_id)
        assert index is not None
        draft.members[index].remove(note_id)
    draft.members.append(list(moving))
    draft.labels.append(None)
    draft.keys.append(False)
