"""The documents for day three as one outline of blocks, shared by Markdown, DOCX and PDF.

A title page with the café's facts, per theme one page of summary points (key points first),
then an appendix with every table's full notes, and a note on the method.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from worldcafe.messages import ENGLISH, N_, Catalogue

from .headings import Words
from .notes import natural_key
from .plenary import PlenaryPoint, theme_points
from .result import Cluster, Synthesis, TableSynthesis

# Characters no document format can hold (XML 1.0 forbids them; PDF fonts have no glyph).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """Text without control characters (tabs and line breaks become spaces)."""
    return " ".join(_CONTROL.sub(" ", text).split())


@dataclass
class ReportContext:
    """What the documents need beyond the notes: the café's facts, language and curation."""

    title: str = "World Café harvest"
    language: str = "en"
    catalogue: Catalogue = ENGLISH
    anonymise: bool = False
    generated_at: str | None = None
    date: str | None = None
    attendance: list[tuple[int, int]] = field(default_factory=list)
    people: int | None = None
    rounds: int | None = None
    insights: dict[str, list[str]] = field(default_factory=dict)
    questions: dict[str, list[str]] = field(default_factory=dict)
    theme_order: list[str] = field(default_factory=list)
    curation: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""


@dataclass(frozen=True)
class Block:
    """One element of a document outline.

    kind: title, h1, h2, h3, p, meta, quote, item, toc or break; ``detail`` is a quote's or an
    item's provenance line; ``key`` marks a key point's heading.
    """

    kind: str
    text: str = ""
    detail: str = ""
    key: bool = False


def _block(kind: str, text: str = "", detail: str = "", *, key: bool = False) -> Block:
    return Block(kind, clean(text), clean(detail), key)


def ordered_themes(s: Synthesis, context: ReportContext) -> list[str]:
    """The café's order of themes; themes it does not list follow in the synthesis's order."""
    present = [t.theme for t in s.themes]
    listed = [name for name in context.theme_order if name in present]
    return listed + [name for name in present if name not in listed]


def theme_questions(
    s: Synthesis, theme: str, context: ReportContext
) -> list[tuple[int | None, str]]:
    """(round, question) pairs of a theme; round None when one question serves every round."""
    given = [q for q in context.questions.get(theme, []) if q.strip()]
    if given:
        if len(set(given)) == 1:
            return [(None, given[0])]
        return [(number, q) for number, q in enumerate(given, start=1)]
    asked: dict[int | None, str] = {}
    for note in s.notes.values():
        if note.theme == theme and note.question:
            asked.setdefault(note.round, note.question)
    if len(set(asked.values())) == 1:
        return [(None, next(iter(asked.values())))]
    return sorted(asked.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))


def _visible(s: Synthesis) -> list[str]:
    return [i for t in s.tables for c in t.clusters for i in c.notes]


def _language_of(s: Synthesis, note_id: str) -> str:
    note = s.notes[note_id]
    return (s.languages.get(note_id) or note.language or "").lower()


def _title_page(s: Synthesis, context: ReportContext, w: Words) -> list[Block]:
    visible = _visible(s)
    blocks = [_block("title", context.title)]
    if context.description:
        blocks.append(_block("p", context.description))
    if context.date:
        blocks.append(_block("meta", w.gettext("Date: %(date)s", date=context.date)))
    rounds = context.rounds or max((n.round or 0 for n in s.notes.values()), default=0)
    people = context.people
    if people is None and context.attendance:
        people = max(p for _, p in context.attendance)
    facts = []
    if rounds:
        facts.append(w.ngettext("%(num)s round", "%(num)s rounds", rounds))
    facts.append(w.ngettext("%(num)s table", "%(num)s tables", len(s.tables)))
    if people:
        facts.append(w.ngettext("%(num)s participant", "%(num)s participants", people))
    facts.append(w.ngettext("%(num)s note", "%(num)s notes", len(visible)))
    votes = sum(s.notes[i].votes for i in visible)
    facts.append(w.ngettext("%(num)s vote", "%(num)s votes", votes))
    blocks.append(_block("p", " · ".join(facts)))
    if len({p for _, p in context.attendance}) > 1:
        # Only when people came and went: who was there, round by round (café-wide).
        turnout = [
            w.gettext("Round %(n)s", n=number)
            + " · "
            + w.ngettext("%(num)s participant", "%(num)s participants", present)
            for number, present in context.attendance
        ]
        blocks.append(_block("p", "; ".join(turnout)))
    themes = ordered_themes(s, context)
    if themes:
        blocks.append(_block("h2", w.gettext("Rounds and questions")))
        for theme in themes:
            tables = [t.table for t in s.tables if t.theme == theme]
            blocks.append(_block("h3", theme, w.tables(tables)))
            for number, question in theme_questions(s, theme, context):
                if number is None:
                    blocks.append(_block("item", question))
                    continue
                blocks.append(_block("item", question, w.gettext("Round %(n)s", n=number)))
    languages = Counter(_language_of(s, i) or "?" for i in visible)
    if languages:
        blocks.append(_block("h2", w.gettext("Languages of the notes")))
        for code, count in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])):
            name = w.language_name(code) if code != "?" else w.gettext("not known")
            blocks.append(_block("item", name, w.ngettext("%(num)s note", "%(num)s notes", count)))
    if context.generated_at:
        blocks.append(_block("meta", w.gettext("Created %(when)s", when=context.generated_at)))
    blocks.append(_block("toc", w.gettext("Contents")))
    return blocks


def point_meta(point: PlenaryPoint, w: Words) -> str:
    """Support, notes, votes, tables, rounds and languages of a point, in one line."""
    parts = [
        w.gettext("Support %(n)s", n=point.support),
        w.ngettext("%(num)s note", "%(num)s notes", len(point.notes)),
        w.ngettext("%(num)s vote", "%(num)s votes", point.votes),
        w.tables(point.tables),
    ]
    if point.rounds:
        rounds = ", ".join(str(r) for r in point.rounds)
        parts.append(
            w.ngettext("Round %(list)s", "Rounds %(list)s", len(point.rounds), list=rounds)
        )
    if point.languages:
        parts.append(", ".join(code.upper() for code in point.languages))
    return " · ".join(parts)


def note_detail(s: Synthesis, note_id: str, w: Words, *, table: bool = True) -> str:
    """Where a note comes from: its table, round, votes and language."""
    note = s.notes[note_id]
    parts = [w.table(note.table)] if table else []
    if note.round is not None:
        parts.append(w.gettext("Round %(n)s", n=note.round))
    if note.votes:
        parts.append(w.ngettext("%(num)s vote", "%(num)s votes", note.votes))
    language = _language_of(s, note_id)
    if language:
        parts.append(language.upper())
    return " · ".join(parts)


def _point_blocks(s: Synthesis, rank: int, point: PlenaryPoint, w: Words) -> list[Block]:
    marks = [w.gettext("Key point")] if point.key else []
    if len(point.tables) > 1:
        marks.append(w.gettext("came up at several tables"))
    if len(point.languages) > 1:
        marks.append(w.gettext("in several languages"))
    blocks = [
        _block("h3", f"{rank}. {point.title}", " · ".join(marks), key=point.key),
        _block("meta", point_meta(point, w)),
    ]
    for note_id in point.quotes:
        blocks.append(_block("quote", s.notes[note_id].text, note_detail(s, note_id, w)))
    said = {" ".join(s.notes[i].text.casefold().split()) for i in point.quotes}
    for note_id in point.dissent:
        text = " ".join(s.notes[note_id].text.casefold().split())
        if note_id not in point.quotes and text not in said:  # the same words once
            said.add(text)
            detail = w.gettext("Opposite view") + " · " + note_detail(s, note_id, w)
            blocks.append(_block("quote", s.notes[note_id].text, detail))
    return blocks


def _theme_blocks(s: Synthesis, theme: str, context: ReportContext, w: Words) -> list[Block]:
    tables = [t for t in s.tables if t.theme == theme]
    count = sum(t.note_count for t in tables)
    blocks = [
        _block("h1", theme),
        _block(
            "meta",
            w.tables([t.table for t in tables])
            + " · "
            + w.ngettext("%(num)s note", "%(num)s notes", count),
        ),
    ]
    for number, question in theme_questions(s, theme, context):
        label = w.gettext("Question") if number is None else w.gettext("Round %(n)s", n=number)
        blocks.append(_block("item", question, label))
    points = theme_points(s, theme, context.curation)
    blocks.append(_block("h2", w.gettext("Summary points")))
    if not points:
        blocks.append(_block("p", w.gettext("No notes.")))
    for rank, point in enumerate(points, start=1):
        blocks.extend(_point_blocks(s, rank, point, w))
    return blocks


def _cluster_blocks(
    s: Synthesis, cluster: Cluster, counts: Mapping[str, int], context: ReportContext, w: Words
) -> list[Block]:
    heading = cluster.label
    meta = " · ".join(
        [
            w.gettext("Support %(n)s", n=cluster.support),
            w.ngettext("%(num)s note", "%(num)s notes", len(cluster.notes)),
            w.ngettext("%(num)s vote", "%(num)s votes", cluster.votes),
        ]
    )
    blocks = [
        _block("h3", heading, w.gettext("Key point") if cluster.key else "", key=cluster.key),
        _block("meta", meta),
    ]
    for note_id in cluster.notes:
        detail = note_detail(s, note_id, w, table=False)
        author = s.notes[note_id].author
        if author and not context.anonymise:
            detail += " · " + author
        if counts.get(note_id, 0) > 1:
            others = counts[note_id] - 1
            detail += " · " + w.ngettext(
                "said alike by %(num)s other note", "said alike by %(num)s other notes", others
            )
        blocks.append(_block("item", s.notes[note_id].text, detail))
    return blocks


def _table_blocks(
    s: Synthesis, table: TableSynthesis, context: ReportContext, w: Words
) -> list[Block]:
    blocks = [
        _block(
            "h2",
            w.table(table.table) + " · " + table.theme,
            w.ngettext("%(num)s note", "%(num)s notes", table.note_count),
        )
    ]
    insights = context.insights.get(table.table, [])
    if insights:
        blocks.append(_block("p", w.gettext("Key insights of the table host")))
        blocks.extend(_block("item", text) for text in insights)
    if not table.clusters:
        blocks.append(_block("p", w.gettext("No notes.")))
    counts = {i: len(g) for g in table.duplicates for i in g}
    clusters = sorted(table.clusters, key=lambda c: not c.key)
    for cluster in clusters:
        blocks.extend(_cluster_blocks(s, cluster, counts, context, w))
    return blocks


METHOD = N_(
    "Notes were grouped per table by what they say, also across languages; notes that say the "
    "same thing were joined, and notes that take opposite positions were kept apart. Each summary "
    "point is an idea several notes share: its title is made from its own notes, its quotes are "
    "verbatim. Support counts every note once and every vote once more. The organiser's edits "
    "(names, merges, moves, hidden notes, key points) are applied on top."
)


def outline(s: Synthesis, context: ReportContext) -> list[Block]:
    """The document as a sequence of blocks."""
    w = Words(context.catalogue)
    blocks = _title_page(s, context, w)
    themes = ordered_themes(s, context)
    for theme in themes:
        blocks.append(Block("break"))
        blocks.extend(_theme_blocks(s, theme, context, w))
    if s.tables:
        blocks.append(Block("break"))
        blocks.append(_block("h1", w.gettext("Appendix: all notes")))
        for theme in themes:
            tables = sorted(
                (t for t in s.tables if t.theme == theme), key=lambda t: natural_key(t.table)
            )
            for table in tables:
                blocks.extend(_table_blocks(s, table, context, w))
    blocks.append(Block("break"))
    blocks.append(_block("h1", w.gettext("Method")))
    blocks.append(_block("p", w.gettext(METHOD)))
    return blocks


def headings_of(blocks: Sequence[Block], kinds: tuple[str, ...] = ("h1", "h2")) -> list[Block]:
    """The headings a table of contents lists: those after it (the title page's are not)."""
    start = next((i for i, b in enumerate(blocks) if b.kind == "toc"), -1)
    return [b for b in blocks[start + 1 :] if b.kind in kinds]
