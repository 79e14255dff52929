"""The plenary layer as the documents and the projector show it: at most seven points a theme.

A point is one idea several notes share: a title, 1–3 verbatim quotes, the tables, rounds and
languages it came from, and its support (every note once, every vote once more: the same figure
everywhere). The organiser's curation applies on top: points holding notes of one merge become
one point (also across the tables of a theme), and points marked key come first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .notes import natural_key
from .ranking import support
from .result import Cluster, Synthesis

MAX_POINTS = 7
MAX_QUOTES = 3


@dataclass(frozen=True)
class PlenaryPoint:
    """One idea of a table or a theme, for the plenary."""

    title: str
    notes: tuple[str, ...]
    quotes: tuple[str, ...]
    tables: tuple[str, ...]
    support: int
    votes: int
    rounds: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    key: bool = False
    dissent: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    language: str = ""
    cluster: str = ""


def _language(s: Synthesis, note_id: str) -> str:
    note = s.notes[note_id]
    return (note.language or s.languages.get(note_id) or "").lower()


def make_point(
    s: Synthesis,
    title: str,
    note_ids: Iterable[str],
    quotes: Sequence[str] = (),
    *,
    key: bool = False,
    dissent: Iterable[str] = (),
) -> PlenaryPoint:
    """A point of these notes, with its figures computed from the notes themselves."""
    ids = tuple(dict.fromkeys(i for i in note_ids if i in s.notes))
    chosen = [q for q in dict.fromkeys(quotes) if q in ids][:MAX_QUOTES] or choose_quotes(s, ids)
    notes = [s.notes[i] for i in ids]
    return PlenaryPoint(
        title=title,
        notes=ids,
        quotes=tuple(chosen),
        tables=tuple(sorted({n.table for n in notes}, key=natural_key)),
        support=support(ids, s.notes),
        votes=sum(n.votes for n in notes),
        rounds=tuple(sorted({n.round for n in notes if n.round is not None})),
        languages=tuple(sorted({lang for i in ids if (lang := _language(s, i))})),
        key=key,
        dissent=tuple(i for i in dict.fromkeys(dissent) if i in ids),
        questions=tuple(
            dict.fromkeys(
                n.question for n in sorted(notes, key=lambda n: n.round or 0) if n.question
            )
        ),
    )


def choose_quotes(s: Synthesis, ids: Sequence[str], first: str | None = None) -> list[str]:
    """Up to three well-voted notes, from different tables and languages where there are."""
    ranked = sorted(ids, key=lambda i: (-s.notes[i].votes, natural_key(i)))
    if first in ids:
        ranked.remove(first)  # type: ignore[arg-type]
        ranked.insert(0, first)  # type: ignore[arg-type]
    chosen: list[str] = []
    seen: set[tuple[str, str]] = set()
    texts: set[str] = set()
    for note_id in ranked:
        note = s.notes[note_id]
        where = (note.table, _language(s, note_id))
        text = " ".join(note.text.lower().split())
        if where in seen or text in texts:
            continue
        chosen.append(note_id)
        seen.add(where)
        texts.add(text)
        if len(chosen) == MAX_QUOTES:
            return chosen
    for note_id in ranked:
        if len(chosen) == MAX_QUOTES:
            break
        text = " ".join(s.notes[note_id].text.lower().split())
        if note_id not in chosen and text not in texts:
            chosen.append(note_id)
            texts.add(text)
    return chosen


def _from_clusters(s: Synthesis, clusters: Sequence[Cluster]) -> list[PlenaryPoint]:
    return [
        make_point(
            s, c.label, c.notes, choose_quotes(s, list(c.notes), c.representative), key=c.key
        )
        for c in clusters
    ]


def _from_summary(s: Synthesis, summary: Any) -> list[PlenaryPoint] | None:
    """Points of the synthesis's own plenary layer (an object or the contract's JSON shape)."""
    if summary is None:
        return None
    raw = (
        summary.get("points") if isinstance(summary, Mapping) else getattr(summary, "points", None)
    )
    if raw is None:
        return None
    points = []
    for item in raw:
        get = item.get if isinstance(item, Mapping) else lambda k, d=None, o=item: getattr(o, k, d)
        point = make_point(
            s,
            str(get("title", "")),
            [str(i) for i in get("notes", ())],
            [str(i) for i in get("quotes", ())],
            key=bool(get("key", False)),
            dissent=[str(i) for i in get("dissent", ()) or ()],
        )
        points.append(
            replace(point, language=str(get("language", "") or ""), cluster=str(get("cluster", "")))
        )
    return points


def theme_points(
    s: Synthesis, theme: str, ops: Sequence[Mapping[str, Any]] = (), *, limit: int = MAX_POINTS
) -> list[PlenaryPoint]:
    """The theme's points, curated, key points first, then by support."""
    found = next((t for t in s.themes if t.theme == theme), None)
    if found is None:
        return []
    points = _from_summary(s, getattr(found, "summary", None))
    if points is None:
        points = _from_clusters(s, found.clusters)
    table_clusters = {
        i: c.notes for t in s.tables if t.theme == theme for c in t.clusters for i in c.notes
    }
    return curate_points(s, points, ops, table_clusters)[:limit]


def table_points(s: Synthesis, table: str, *, limit: int = MAX_POINTS) -> list[PlenaryPoint]:
    """A table's points, key points first, then by support."""
    found = next((t for t in s.tables if t.table == table), None)
    if found is None:
        return []
    points = _from_summary(s, getattr(found, "summary", None))
    if points is None:
        points = _from_clusters(s, found.clusters)
    return pinned(points)[:limit]


def pinned(points: Iterable[PlenaryPoint]) -> list[PlenaryPoint]:
    """Key points first; otherwise strongest first (a stable sort keeps ties in their order)."""
    return sorted(points, key=lambda p: (not p.key, -p.support))


def curate_points(
    s: Synthesis,
    points: Sequence[PlenaryPoint],
    ops: Sequence[Mapping[str, Any]],
    table_clusters: Mapping[str, Sequence[str]] | None = None,
) -> list[PlenaryPoint]:
    """Replay merges, names and key marks on points (a merge may span the tables of a theme).

    A merge's notes that are in no point bring their table cluster into the first one's point.
    """
    current = list(points)
    clusters = table_clusters or {}
    for op in ops:
        kind = op.get("op")
        if kind == "merge":
            current = _merge(s, current, [str(i) for i in op.get("note_ids", [])], clusters)
        elif kind == "key":
            note_id = str(op.get("note_id"))
            current = [
                replace(p, key=bool(op.get("key", True))) if note_id in p.notes else p
                for p in current
            ]
        elif kind == "rename" and str(op.get("label", "")).strip():
            note_id = str(op.get("note_id"))
            title = str(op["label"]).strip()
            current = [replace(p, title=title) if note_id in p.notes else p for p in current]
        elif kind == "hide":
            note_id = str(op.get("note_id"))
            current = [_without(s, p, note_id) if note_id in p.notes else p for p in current]
            current = [p for p in current if p.notes]
    return pinned(current)


def _without(s: Synthesis, point: PlenaryPoint, note_id: str) -> PlenaryPoint:
    rest = [i for i in point.notes if i != note_id]
    quotes = [q for q in point.quotes if q != note_id]
    dissent = [i for i in point.dissent if i != note_id]
    return make_point(s, point.title, rest, quotes, key=point.key, dissent=dissent)


def _merge(
    s: Synthesis, points: list[PlenaryPoint], ids: list[str], clusters: Mapping[str, Sequence[str]]
) -> list[PlenaryPoint]:
    ids = [i for i in ids if i in s.notes]
    if len(ids) < 2:
        return points
    holders: list[int] = []
    loose: list[str] = []
    for note_id in ids:
        index = next((k for k, p in enumerate(points) if note_id in p.notes), None)
        if index is None:
            loose.extend(clusters.get(note_id, (note_id,)))
        elif index not in holders:
            holders.append(index)
    if not holders or (len(holders) == 1 and not loose):
        return points
    target = points[holders[0]]
    merged_notes = list(target.notes)
    quotes = list(target.quotes)
    dissent = list(target.dissent)
    key = target.key
    for index in holders[1:]:
        other = points[index]
        merged_notes.extend(other.notes)
        quotes.extend(other.quotes)
        dissent.extend(other.dissent)
        key = key or other.key
    merged_notes.extend(loose)
    ordered = sorted(dict.fromkeys(merged_notes), key=natural_key)
    fresh = choose_quotes(s, ordered, quotes[0] if quotes else None)
    point = make_point(s, target.title, ordered, fresh, key=key, dissent=dissent)
    return [point if k == holders[0] else p for k, p in enumerate(points) if k not in holders[1:]]


def point_json(point: PlenaryPoint, s: Synthesis) -> dict[str, Any]:
    """The contract's shape of a point, with its extra figures (the synthesis's own keys)."""
    return {
        "title": point.title,
        "language": point.language,
        "notes": list(point.notes),
        "quotes": list(point.quotes),
        "quote_texts": [s.notes[i].text for i in point.quotes],
        "note_count": len(point.notes),
        "cluster": point.cluster,
        "tables": list(point.tables),
        "support": point.support,
        "votes": point.votes,
        "rounds": list(point.rounds),
        "languages": list(point.languages),
        "key": point.key,
        "dissent": list(point.dissent),
        "questions": list(point.questions),
        "cross_table": len(point.tables) > 1,
        "cross_language": len(point.languages) > 1,
    }
