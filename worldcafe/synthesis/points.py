"""The plenary layer: per table and per theme at most seven points, strongest first.

A point is the coherent core of a cluster: notes far from the cluster's centre, and notes
no other note of the point comes close to, are left out (they stay in the cluster); notes
that take the opposite position of the point's headline note stay in the point marked as its
dissent (never quoted as its voice, never its title), and a point needs at least two notes
that agree (a host's key insight, or a cluster the organiser named, stands alone). Its title
is cut from its own notes (titles.py), or is the organiser's name for the cluster; its quotes
are 1-3 of its notes, central and well voted, no two saying the same. Support is notes plus votes,
the same figure wherever the point is shown; key points come first, then by support.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .normalise import Analysed
from .notes import Note, natural_key
from .result import Cluster, Point, Summary
from .stance import opposite
from .titles import Candidate, make_title, title_language

MAX_POINTS = 7
MAX_QUOTES = 3
OUTLIER_MARGIN = 0.08  # in cosine to the centre, on vectors with the theme's mean taken out
DISSENT_SIMILARITY = 0.6  # dissent says the same idea the other way: as close as SAME_IDEA
QUOTE_REDUNDANT = 0.9
QUOTE_SAME_WORDS = 0.8  # share of content words two quotes have in common
QUOTE_CONTAINED = 0.8  # share of the shorter quote's content words found in the other
SAME_IDEA = 0.6
RELATED = 0.35


@dataclass(frozen=True)
class Material:
    """What points are made of: notes, their analysis and vectors, the café's language."""

    notes: Mapping[str, Note]
    analysed: Mapping[str, Analysed]
    vectors: Mapping[str, np.ndarray]
    language: str | None
    duplicate_of: Mapping[str, int]
    centred: Mapping[str, np.ndarray] | None = None


def _centralities(ids: Sequence[str], material: Material) -> np.ndarray:
    """How close each note is to the centre of its cluster, measured on the vectors with
    what all notes of the theme share taken out (where given): otherwise every note of a
    cluster looks central for the theme it shares with all the others."""
    vectors = material.centred or material.vectors
    block = np.vstack([vectors[i] for i in ids]).astype(np.float64)
    centre = block.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm == 0.0:
        return np.zeros(len(ids))
    result: np.ndarray = block @ (centre / norm)
    return result


def _core(ids: list[str], centrality: np.ndarray) -> list[str]:
    """The members close to the centre: outliers of a loose cluster are left out."""
    if len(ids) <= 2:
        return list(ids)
    bar = float(np.median(centrality)) - OUTLIER_MARGIN
    kept = [i for i, c in zip(ids, centrality.tolist(), strict=True) if c >= bar]
    return kept if len(kept) >= 2 else list(ids)


def _similarity(a: str, b: str, material: Material) -> float:
    return float(np.dot(material.vectors[a], material.vectors[b]))


def _related(core: list[str], material: Material) -> list[str]:
    """The members with another member close to them, asked again until all have one.

    A cluster can chain notes that share nothing: "free museum entry" draws "free transit
    for pupils", "opening hours" draws "bus timetables". A note whose closest fellow member
    is no nearer than RELATED says an idea of its own and leaves the point (not the cluster).
    """
    while len(core) >= 2:
        block = np.vstack([material.vectors[i] for i in core]).astype(np.float64)
        similarity = block @ block.T
        np.fill_diagonal(similarity, -np.inf)
        kept = [i for i, best in zip(core, similarity.max(axis=1), strict=True) if best >= RELATED]
        if len(kept) == len(core):
            break
        core = kept
    return core


def _plain(text: str) -> str:
    return " ".join("".join(c for c in text.casefold() if c.isalnum() or c.isspace()).split())


def _same_words(a: str, b: str, material: Material) -> bool:
    """Nearly the same content words (a copy with a word added, a name in brackets)."""
    first, second = set(material.analysed[a].content), set(material.analysed[b].content)
    if not first or not second:
        return False
    shared = len(first & second)
    return shared / len(first | second) >= QUOTE_SAME_WORDS or (
        shared >= 3 and shared / min(len(first), len(second)) >= QUOTE_CONTAINED
    )


def _quotes(
    ids: Sequence[str],
    scores: Mapping[str, float],
    material: Material,
    title: str = "",
    source: str | None = None,
) -> list[str]:
    """1-3 quotes, best first, no two saying the same; one repeating the title (its words, or
    the note it was made from) comes after the others: a screen showing one quote shows
    something the title does not."""
    ranked = sorted(ids, key=lambda i: (-scores[i], natural_key(i)))
    heading = _plain(title)
    chosen: list[str] = []
    for note_id in ranked:
        group = material.duplicate_of.get(note_id)
        if any(
            (group is not None and material.duplicate_of.get(other) == group)
            or _similarity(note_id, other, material) >= QUOTE_REDUNDANT
            or _same_words(note_id, other, material)
            or material.notes[note_id].text == material.notes[other].text
            for other in chosen
        ):
            continue
        chosen.append(note_id)
        if len(chosen) == MAX_QUOTES:
            break
    if not chosen:
        return list(ranked[:1])

    def repeats_title(note_id: str) -> bool:
        if heading and _plain(material.notes[note_id].text) == heading:
            return True
        return source is not None and (note_id == source or _same_words(note_id, source, material))

    return sorted(chosen, key=repeats_title)


def _dissent(
    ids: Sequence[str], source: str, central: Mapping[str, float], material: Material
) -> list[str]:
    """Notes on the headline's matter that take the other position.

    First those opposite to the headline note; then, of two remaining notes on one matter
    that oppose each other, the one less central and less voted. Only pairs whose vectors
    are close (one matter) are compared.
    """
    text = material.notes
    order = sorted(ids, key=lambda i: (i != source, -text[i].votes, -central[i], natural_key(i)))
    block = np.vstack([material.vectors[i] for i in order])
    near = np.triu((block @ block.T) >= DISSENT_SIMILARITY, k=1)
    dissent: set[str] = set()
    for first, second in zip(*np.nonzero(near), strict=True):
        a, b = order[int(first)], order[int(second)]
        if a in dissent or b in dissent:
            continue
        if opposite(text[a].text, text[b].text):
            dissent.add(b)
    return [i for i in ids if i in dissent]


def _headline(
    ids: Sequence[str], central: Mapping[str, float], material: Material
) -> tuple[str, str, str]:
    """(language, title, the note it was made from) of a headline made from these notes."""
    candidates = [
        Candidate(material.notes[i].text, material.analysed[i], central[i], material.notes[i].votes)
        for i in ids
    ]
    language = title_language([c.analysed.language for c in candidates], material.language)
    title, source_index = make_title(candidates, language)
    return language, title, ids[source_index]


def _weight(ids: Sequence[str], material: Material) -> int:
    """How many said it: notes, and votes for them."""
    return sum(1 + max(0, material.notes[i].votes) for i in ids)


def make_point(cluster: Cluster, material: Material) -> Point | None:
    """The point a cluster makes, or None when no idea is shared by several of its notes."""
    # A note of punctuation only ("?!") says nothing a point could share.
    ids = [i for i in cluster.notes if any(ch.isalnum() for ch in material.notes[i].text)]
    key = cluster.key or any(material.notes[i].key for i in ids)
    # A host's key insight and a cluster the organiser named stand even alone.
    chosen_by_people = key or cluster.renamed
    if not ids or (len(ids) < 2 and not chosen_by_people):
        return None
    centrality = _centralities(ids, material)
    central = dict(zip(ids, centrality.tolist(), strict=True))
    core = _related(_core(ids, centrality), material)
    # A host's key insight is never left out as an outlier of its own point.
    core += [i for i in ids if material.notes[i].key and i not in core]
    if len(core) < 2:
        if not chosen_by_people:
            return None
        core = list(ids)
    language, title, source = _headline(core, central, material)
    dissent = _dissent(ids, source, central, material)
    members = [i for i in core if i not in dissent]
    if _weight(dissent, material) > _weight(members, material) and len(dissent) >= 2:
        # the other side said it more often: its position is the point, the headline's dissent
        language, title, source = _headline(dissent, central, material)
        core = list(dict.fromkeys([*dissent, *core]))
        dissent = _dissent(ids, source, central, material)
        members = [i for i in core if i not in dissent]
    renamed = bool(cluster.renamed and cluster.label.strip())
    if renamed:
        title = cluster.label.strip()[:100]  # the organiser's name for it wins
    if not members or (len(members) < 2 and not chosen_by_people):
        return None
    shown = [material.notes[i] for i in dict.fromkeys([*core, *dissent])]
    # quotes say what the title says: the notes closest to the one it was cut from (a cluster
    # can hold several ideas), or under the organiser's own name those closest to the centre
    closeness = central if renamed else {i: _similarity(i, source, material) for i in members}
    # and none on another idea (less RELATED to it than that) stands under the title
    quoted = members if renamed else [i for i in members if closeness[i] >= RELATED]
    scores = {
        i: closeness[i] + 0.1 * math.log1p(material.notes[i].votes) - (0.05 if i == source else 0)
        for i in members
    }
    return Point(
        title=title,
        language=language,
        notes=tuple(sorted((n.note_id for n in shown), key=natural_key)),
        quotes=tuple(
            _quotes(quoted or members, scores, material, title, None if renamed else source)
        ),
        tables=tuple(sorted({n.table for n in shown}, key=natural_key)),
        rounds=tuple(sorted({n.round for n in shown if n.round is not None})),
        questions=tuple(dict.fromkeys(n.question for n in shown if n.question)),
        languages=tuple(sorted({material.analysed[n.note_id].language for n in shown})),
        support=sum(1 + max(0, n.votes) for n in shown),
        votes=sum(max(0, n.votes) for n in shown),
        key=key,
        dissent=tuple(sorted(dissent, key=natural_key)),
        cluster=cluster.id,
        renamed=renamed,
    )


def same_ideas(clusters: Sequence[Cluster], material: Material) -> list[Cluster]:
    """Clusters that say the same joined: average linkage of their notes above SAME_IDEA.

    The mean similarity over all pairs of notes across two groups, not the similarity of
    their centres: the centres of large clusters of one theme all lean towards the theme's
    mean, so centres alike would join clusters whose notes say different things.
    """
    groups = [[c] for c in clusters if c.notes]
    if len(groups) < 2:
        return [c for c in clusters if c.notes]
    totals = np.vstack([np.sum([material.vectors[i] for i in g[0].notes], axis=0) for g in groups])
    sums = totals.astype(np.float64) @ totals.T.astype(np.float64)
    sizes = np.asarray([len(g[0].notes) for g in groups], dtype=np.float64)
    alive = np.ones(len(groups), dtype=bool)
    while True:
        average = np.where(np.outer(alive, alive), sums / np.outer(sizes, sizes), -np.inf)
        np.fill_diagonal(average, -np.inf)
        flat = int(np.argmax(average))
        a, b = divmod(flat, len(groups))
        if not average[a, b] >= SAME_IDEA:
            break
        a, b = min(a, b), max(a, b)
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
        groups[a].extend(groups[b])
        groups[b] = []
    return [
        replace(
            next((c for c in group if c.renamed), group[0]),
            notes=tuple(sorted((i for c in group for i in c.notes), key=natural_key)),
            key=any(c.key for c in group),
        )
        for group in groups
        if group
    ]


def summarise(clusters: Sequence[Cluster], material: Material) -> Summary:
    """At most seven points from the clusters: key points first, then by support."""
    points = [
        p for c in same_ideas(clusters, material) if (p := make_point(c, material)) is not None
    ]
    points.sort(key=lambda p: (not p.key, -p.support, -len(p.notes), natural_key(p.notes[0])))
    return Summary(tuple(points[:MAX_POINTS]))
