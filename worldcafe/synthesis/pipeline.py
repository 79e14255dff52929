"""The synthesis of a café's notes: duplicates, clusters, labels and ranking per table and theme."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .clustering import cluster_notes, link_clusters, note_features, single_threaded
from .curation import Curation, Draft, apply_curation
from .duplicates import duplicate_groups
from .labels import document_frequencies, keyphrases, representative
from .language import supported
from .normalise import Analysed, analyse
from .notes import Note, NotesError, natural_key
from .points import Material, summarise
from .ranking import normalised_support, rank_key, sorted_ids, support, table_share
from .result import Cluster, Synthesis, TableSynthesis, ThemeSynthesis
from .semantic import Embedder, note_vectors
from .titles import Candidate, make_title, title_language


@dataclass
class _Theme:
    name: str
    notes: list[Note]
    analysed: list[Analysed]
    vectors: np.ndarray
    row: dict[str, int]
    semantic: np.ndarray | None

    def material(self, language: str, duplicates: Sequence[Sequence[str]] = ()) -> Material:
        """What the points of this theme are made of."""
        vectors = self.semantic if self.semantic is not None else self.vectors
        centred = _centred(vectors)
        return Material(
            notes={n.note_id: n for n in self.notes},
            analysed={n.note_id: self.analysed[i] for i, n in enumerate(self.notes)},
            vectors={n.note_id: vectors[i] for i, n in enumerate(self.notes)},
            centred={n.note_id: centred[i] for i, n in enumerate(self.notes)},
            language=language,
            duplicate_of={i: g for g, group in enumerate(duplicates) for i in group},
        )


def _centred(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors less the mean of the non-empty ones: what all notes of a theme share
    taken out, so that what sets notes apart decides (empty notes stay zero)."""
    filled = np.any(vectors, axis=1)
    if not filled.any():
        return np.zeros(vectors.shape)
    result: np.ndarray = np.asarray(vectors, dtype=np.float64) - vectors[filled].mean(axis=0)
    norms = np.linalg.norm(result, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result = result / norms
    result[~filled] = 0.0
    return result


def _prepare(
    name: str, notes: list[Note], language: str, vectors: Mapping[str, np.ndarray] | None
) -> _Theme:
    analysed = [analyse(n.text, n.language, language) for n in notes]
    semantic = None
    if vectors is not None and notes:
        semantic = np.vstack([vectors[n.note_id] for n in notes]).astype(np.float64)
    features = note_features(analysed, semantic)
    rows = {n.note_id: i for i, n in enumerate(notes)}
    return _Theme(name, notes, analysed, features.vectors, rows, semantic)


def _draft(theme: _Theme, table_notes: list[Note]) -> tuple[Draft, list[list[str]]]:
    rows = [theme.row[n.note_id] for n in table_notes]
    groups = duplicate_groups(
        [theme.analysed[r] for r in rows],
        [n.text for n in table_notes],
        None if theme.semantic is None else theme.semantic[rows],
    )
    labels = cluster_notes(theme.vectors[rows], groups)
    members: list[list[str]] = [[] for _ in range(max(labels, default=-1) + 1)]
    for note, label in zip(table_notes, labels, strict=True):
        members[label].append(note.note_id)
    duplicates = [[table_notes[i].note_id for i in group] for group in groups]
    return Draft(members, [None] * len(members), [False] * len(members)), duplicates


def _headline(
    theme: _Theme,
    ordered: Sequence[str],
    rows: Sequence[int],
    notes: dict[str, Note],
    language: str,
) -> tuple[str, int]:
    """A cluster's name: a headline cut from its own most central note (the café's language
    where one of its notes is written in it), as the plenary points are titled; and the
    position in `ordered` of the note it was cut from."""
    block = theme.vectors[list(rows)]
    centre = block.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    central = (block @ centre) / norm if norm else np.zeros(len(rows))
    candidates = [
        Candidate(notes[i].text, theme.analysed[r], float(c), notes[i].votes)
        for i, r, c in zip(ordered, rows, central.tolist(), strict=True)
    ]
    chosen = title_language([c.analysed.language for c in candidates], language)
    return make_title(candidates, chosen)


def _build_cluster(
    language: str,
    theme: _Theme,
    ids: Sequence[str],
    notes: dict[str, Note],
    frequencies: Counter[str],
    pool: Sequence[Analysed],
    *,
    prefix: str,
    weight: float,
    support_value: int,
    label: str | None = None,
    key: bool = False,
) -> Cluster:
    ordered = sorted_ids(ids)
    rows = [theme.row[i] for i in ordered]
    local_votes = [notes[i].votes for i in ordered]
    renamed = label is not None
    if label is None:
        # the quote under a name says what the name says: the note the name was cut from,
        # not the centre of a cluster that may hold several ideas
        label, chosen = _headline(theme, ordered, rows, notes, language)
    else:
        chosen = representative(
            list(range(len(rows))), theme.vectors[rows], local_votes, list(range(len(rows)))
        )
    rep = ordered[chosen]
    phrases = keyphrases([theme.analysed[r] for r in rows], frequencies, len(pool))
    rounds = sorted({r for i in ordered if (r := notes[i].round) is not None})
    tables = sorted({notes[i].table for i in ordered}, key=natural_key)
    return Cluster(
        id=f"{prefix}{ordered[0]}",
        label=label,
        keyphrases=tuple(phrases),
        notes=tuple(ordered),
        representative=rep,
        support=support_value,
        votes=sum(notes[i].votes for i in ordered),
        rounds=tuple(rounds),
        tables=tuple(tables),
        weight=round(weight, 4),
        key=key,
        renamed=renamed,
    )


def _table_synthesis(
    theme: _Theme,
    table: str,
    draft: Draft,
    duplicates: list[list[str]],
    notes: dict[str, Note],
    language: str,
) -> TableSynthesis:
    visible = [n for n in theme.notes if n.table == table and n.note_id not in draft.hidden]
    pool = [theme.analysed[theme.row[n.note_id]] for n in visible]
    frequencies = document_frequencies(pool)
    total = max(1, support([n.note_id for n in visible], notes))
    clusters: list[Cluster] = []
    for members, label, key in zip(draft.members, draft.labels, draft.keys, strict=True):
        ids = [i for i in members if i not in draft.hidden]
        if not ids:
            continue
        value = support(ids, notes)
        clusters.append(
            _build_cluster(
                language,
                theme,
                ids,
                notes,
                frequencies,
                pool,
                prefix="c-",
                weight=value / total,
                support_value=value,
                label=label,
                key=key,
            )
        )
    clusters.sort(key=lambda c: rank_key(c.support, len(c.notes), c.notes[0]))
    where = {i: c.id for c in clusters for i in c.notes}
    groups: list[tuple[str, ...]] = []
    for group in duplicates:
        parts: dict[str, list[str]] = {}
        for note_id in group:
            if note_id in where:
                parts.setdefault(where[note_id], []).append(note_id)
        groups.extend(tuple(sorted_ids(p)) for p in parts.values() if len(p) > 1)
    groups.sort(key=lambda g: natural_key(g[0]))
    table_notes = [n for n in theme.notes if n.table == table]
    return TableSynthesis(
        table=table,
        theme=theme.name,
        note_count=len(visible),
        clusters=tuple(clusters),
        duplicates=tuple(groups),
        hidden=tuple(sorted_ids([n.note_id for n in table_notes if n.note_id in draft.hidden])),
        rounds=tuple(sorted({n.round for n in table_notes if n.round is not None})),
        summary=summarise(clusters, theme.material(language, groups)),
    )


def _theme_synthesis(
    theme: _Theme, tables: Sequence[TableSynthesis], notes: dict[str, Note], language: str
) -> ThemeSynthesis:
    table_clusters = [c for t in tables for c in t.clusters]
    totals = {t.table: max(1, sum(c.support for c in t.clusters)) for t in tables}
    if not table_clusters:
        return ThemeSynthesis(theme.name, tuple(t.table for t in tables), ())
    # The note vectors the tables were clustered on: sentence vectors beside lexical ones,
    # so clusters of two tables that say alike in two languages link too.
    links = link_clusters(
        [theme.vectors[[theme.row[i] for i in c.notes]] for c in table_clusters],
        [c.tables[0] for c in table_clusters],
    )
    visible = [i for c in table_clusters for i in c.notes]
    pool = [theme.analysed[theme.row[i]] for i in visible]
    frequencies = document_frequencies(pool)
    clusters: list[Cluster] = []
    for group in range(max(links) + 1):
        parts = [c for c, link in zip(table_clusters, links, strict=True) if link == group]
        ids = [i for c in parts for i in c.notes]
        weight = table_share(ids, notes, totals)
        renamed = sorted(
            (c for c in parts if c.renamed), key=lambda c: rank_key(c.support, len(c.notes), c.id)
        )
        clusters.append(
            _build_cluster(
                language,
                theme,
                ids,
                notes,
                frequencies,
                pool,
                prefix="tc-",
                weight=weight,
                support_value=normalised_support(weight, totals),
                label=renamed[0].label if renamed else None,
                key=any(c.key for c in parts),
            )
        )
    clusters.sort(key=lambda c: (-c.weight, -len(c.notes), natural_key(c.notes[0])))
    duplicates = [g for t in tables for g in t.duplicates]
    return ThemeSynthesis(
        theme.name,
        tuple(t.table for t in tables),
        tuple(clusters),
        summarise(clusters, theme.material(language, duplicates)),
    )


def _cafe_language(notes: Sequence[Note], language: str | None) -> str:
    """The café's language as given, else the language most of its notes state."""
    if supported(language):
        return str(supported(language))
    counts = Counter(code for n in notes if (code := supported(n.language)))
    return min(counts, key=lambda c: (-counts[c], c)) if counts else "en"


def synthesize(
    notes: Sequence[Note],
    curation: Curation | None = None,
    *,
    language: str | None = None,
    vectors: Mapping[str, np.ndarray] | None = None,
    embedder: Embedder | None = None,
    semantic: bool = True,
) -> Synthesis:
    """Duplicates, clusters, labels, ranking and plenary points per table and theme.

    `language` is the café's (titles use it where a note is written in it); `vectors` are
    sentence vectors stored with the notes, by note id; the others are computed by
    `embedder` (the shipped model by default). `semantic=False` leaves sentence vectors out
    (lexical features only). Deterministic for the same input in any order.
    """
    by_id: dict[str, Note] = {}
    for note in notes:
        if note.note_id in by_id:
            raise NotesError(f"duplicate note_id {note.note_id!r}")
        by_id[note.note_id] = note
    ordered = sorted(by_id.values(), key=lambda n: natural_key(n.note_id))
    theme_names = sorted({n.theme for n in ordered}, key=natural_key)
    table_theme: dict[str, str] = {}
    for note in ordered:
        first = table_theme.setdefault(note.table, note.theme)
        if first != note.theme:
            raise NotesError(
                f"table {note.table!r} has notes of two themes ({first!r} and {note.theme!r}); "
                "give each table one theme"
            )
    cafe_language = _cafe_language(ordered, language)
    all_vectors = (
        note_vectors({n.note_id: n.text for n in ordered}, vectors, embedder)
        if semantic and ordered
        else None
    )
    with single_threaded():
        themes = {
            name: _prepare(
                name, [n for n in ordered if n.theme == name], cafe_language, all_vectors
            )
            for name in theme_names
        }
        drafts: dict[str, Draft] = {}
        duplicates: dict[str, list[list[str]]] = {}
        for theme in themes.values():
            for table in sorted({n.table for n in theme.notes}, key=natural_key):
                table_notes = [n for n in theme.notes if n.table == table]
                drafts[table], duplicates[table] = _draft(theme, table_notes)
        if curation is not None:
            apply_curation(drafts, {n.note_id: n.table for n in ordered}, curation.ops)
        table_results: list[TableSynthesis] = []
        theme_results: list[ThemeSynthesis] = []
        for theme in themes.values():
            names = sorted({n.table for n in theme.notes}, key=natural_key)
            results = [
                _table_synthesis(theme, t, drafts[t], duplicates[t], by_id, cafe_language)
                for t in names
            ]
            table_results.extend(results)
            theme_results.append(_theme_synthesis(theme, results, by_id, cafe_language))
    languages = {
        n.note_id: themes[n.theme].analysed[themes[n.theme].row[n.note_id]].language
        for n in ordered
    }
    return Synthesis(
        tables=tuple(table_results),
        themes=tuple(theme_results),
        notes={n.note_id: n for n in ordered},
        languages=languages,
        language=cafe_language,
    )
