"""Exports of a synthesis: JSON, Markdown and CSV here; DOCX and PDF from the same outline."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from .result import Cluster, Synthesis, TableSynthesis, synthesis_to_json

FORMATS: tuple[str, ...] = ("json", "md", "csv", "docx", "pdf")

HEADINGS = {
    "en": {
        "summary": "{notes} notes at {tables} tables on {themes} themes",
        "generated": "Generated {when}",
        "attendance": "Attendance per round",
        "round_people": "Round {round}: {people} people",
        "theme": "Theme: {name}",
        "questions": "Questions",
        "across": "Across the tables of this theme",
        "table": "Table {name}",
        "insights": "Key insights of the table host",
        "meta": "Support {support} · {notes} notes · {votes} votes · rounds {rounds}",
        "tables_meta": "Came up at tables {tables}",
        "key": "key",
        "phrases": "Key phrases: {phrases}",
        "notes": "Notes",
        "duplicates": "{count} notes say the same thing",
        "methods": "Methods",
        "methods_text": (
            "Notes were grouped per table. Near-duplicates (typos, case, punctuation, word order, "
            "small rewordings) were found by comparing character trigrams and content words; "
            "notes that differ in a number or a negation are never merged. Related notes were "
            "clustered top down (bisecting k-means: the loosest group split in two, again and "
            "again) on latent semantic vectors of word stems (German and English stop words "
            "removed, Snowball stemming) and word pieces. Labels and key phrases are "
            "the words most frequent in a cluster and rare elsewhere; the quote is the note "
            "closest to the cluster's centre, verbatim. Support counts every note once and every "
            "vote once more. Clusters of a theme are linked across tables when they say alike, "
            "and ranked by their share of each table's support, so that a small table's strong "
            "point is not drowned by a big table. Organiser edits (names, merges, splits, moves, "
            "hidden notes, key marks) are applied on top."
        ),
        "none": "No notes.",
    },
    "de": {
        "summary": "{notes} Notizen an {tables} Tischen zu {themes} Themen",
        "generated": "Erstellt {when}",
        "attendance": "Teilnahme je Runde",
        "round_people": "Runde {round}: {people} Personen",
        "theme": "Thema: {name}",
        "questions": "Fragen",
        "across": "Über die Tische dieses Themas",
        "table": "Tisch {name}",
        "insights": "Kernaussagen der Gastgeberin oder des Gastgebers",
        "meta": "Zuspruch {support} · {notes} Notizen · {votes} Stimmen · Runden {rounds}",
        "tables_meta": "Kam an den Tischen {tables} auf",
        "key": "zentral",
        "phrases": "Schlagworte: {phrases}",
        "notes": "Notizen",
        "duplicates": "{count} Notizen sagen dasselbe",
        "methods": "Methode",
        "methods_text": (
            "Die Notizen wurden je Tisch gruppiert. Beinahe gleiche Notizen (Tippfehler, Groß- und "
            "Kleinschreibung, Satzzeichen, Wortstellung, kleine Umformulierungen) wurden über "
            "Buchstaben-Trigramme und Inhaltswörter erkannt; Notizen, die sich in einer Zahl oder "
            "einer Verneinung unterscheiden, werden nie zusammengelegt. Verwandte Notizen wurden "
            "von oben nach unten gebündelt (bisektierendes k-Means: das lockerste Bündel wird "
            "wieder und wieder in zwei geteilt), auf latent-semantischen Vektoren aus Wortstämmen "
            "(deutsche und englische Füllwörter entfernt, Snowball-Stemming) und Wortteilen. "
            "Titel und "
            "Schlagworte sind die Wörter, die in einem Bündel häufig und anderswo selten sind; das "
            "Zitat ist die Notiz nahe der Mitte des Bündels, wörtlich. Zuspruch zählt jede Notiz "
            "einmal und jede Stimme einmal mehr. Bündel eines Themas werden über Tische hinweg "
            "verknüpft und nach ihrem Anteil am Zuspruch jedes Tisches gereiht, damit die starke "
            "Aussage eines kleinen Tisches nicht untergeht. Änderungen der Organisation (Namen, "
            "Zusammenlegen, Teilen, Verschieben, Ausblenden, Markieren) sind berücksichtigt."
        ),
        "none": "Keine Notizen.",
    },
}


@dataclass
class ReportContext:
    """What the documents need beyond the notes: title, language, attendance, host insights."""

    title: str = "World Café harvest"
    language: str = "en"
    anonymise: bool = False
    generated_at: str | None = None
    attendance: list[tuple[int, int]] = field(default_factory=list)
    insights: dict[str, list[str]] = field(default_factory=dict)
    questions: dict[str, list[str]] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class Block:
    """One element of a document outline: kind is title, h1, h2, h3, p, quote, item or break."""

    kind: str
    text: str = ""


def _words(context: ReportContext) -> dict[str, str]:
    return HEADINGS.get(context.language, HEADINGS["en"])


def _cluster_blocks(
    cluster: Cluster, rank: int, s: Synthesis, words: dict[str, str], *, across: bool
) -> list[Block]:
    title = f"{rank}. {cluster.label}"
    if cluster.key:
        title += f" ★ ({words['key']})"
    rounds = ", ".join(str(r) for r in cluster.rounds) or "–"
    blocks = [
        Block("h3", title),
        Block(
            "p",
            words["meta"].format(
                support=cluster.support,
                notes=len(cluster.notes),
                votes=cluster.votes,
                rounds=rounds,
            ),
        ),
    ]
    if across:
        blocks.append(Block("p", words["tables_meta"].format(tables=", ".join(cluster.tables))))
    blocks.append(Block("quote", s.notes[cluster.representative].text))
    if cluster.keyphrases:
        blocks.append(Block("p", words["phrases"].format(phrases=", ".join(cluster.keyphrases))))
    return blocks


def _table_blocks(
    table: TableSynthesis, s: Synthesis, context: ReportContext, words: dict[str, str]
) -> list[Block]:
    blocks = [Block("h2", words["table"].format(name=table.table))]
    insights = context.insights.get(table.table, [])
    if insights:
        blocks.append(Block("p", words["insights"]))
        blocks.extend(Block("item", text) for text in insights)
    if not table.clusters:
        blocks.append(Block("p", words["none"]))
    duplicate_of = {i: len(g) for g in table.duplicates for i in g}
    for rank, cluster in enumerate(table.clusters, start=1):
        blocks.extend(_cluster_blocks(cluster, rank, s, words, across=False))
        for note_id in cluster.notes:
            note = s.notes[note_id]
            line = note.text
            extras = []
            if note.round is not None:
                extras.append(f"R{note.round}")
            if note.votes:
                extras.append(f"+{note.votes}")
            if note_id in duplicate_of:
                extras.append("=")
            if note.author and not context.anonymise:
                extras.append(note.author)
            if extras:
                line += f" ({', '.join(extras)})"
            blocks.append(Block("item", line))
    return blocks


def outline(s: Synthesis, context: ReportContext) -> list[Block]:
    """The document as a sequence of blocks, shared by Markdown, DOCX and PDF."""
    words = _words(context)
    note_count = sum(t.note_count for t in s.tables)
    blocks = [Block("title", context.title)]
    if context.description:
        blocks.append(Block("p", context.description))
    blocks.append(
        Block(
            "p",
            words["summary"].format(notes=note_count, tables=len(s.tables), themes=len(s.themes)),
        )
    )
    if context.generated_at:
        blocks.append(Block("p", words["generated"].format(when=context.generated_at)))
    if context.attendance:
        blocks.append(Block("h2", words["attendance"]))
        blocks.extend(
            Block("item", words["round_people"].format(round=r, people=p))
            for r, p in context.attendance
        )
    for theme in s.themes:
        blocks.append(Block("break"))
        blocks.append(Block("h1", words["theme"].format(name=theme.theme)))
        questions = context.questions.get(theme.theme, [])
        if questions:
            blocks.append(Block("p", words["questions"]))
            blocks.extend(Block("item", q) for q in questions)
        blocks.append(Block("h2", words["across"]))
        for rank, cluster in enumerate(theme.clusters, start=1):
            blocks.extend(_cluster_blocks(cluster, rank, s, words, across=True))
        for table in s.tables:
            if table.theme == theme.theme:
                blocks.extend(_table_blocks(table, s, context, words))
    blocks.append(Block("break"))
    blocks.append(Block("h1", words["methods"]))
    blocks.append(Block("p", words["methods_text"]))
    return blocks


def render_markdown(s: Synthesis, context: ReportContext) -> str:
    """The outline as Markdown."""
    lines: list[str] = []
    prefixes = {"title": "# ", "h1": "## ", "h2": "### ", "h3": "#### "}
    for block in outline(s, context):
        if block.kind != "item" and lines and lines[-1].startswith("- "):
            lines.append("")
        if block.kind in prefixes:
            lines.extend([prefixes[block.kind] + _escape(block.text), ""])
        elif block.kind == "quote":
            lines.extend(["> " + _escape(block.text), ""])
        elif block.kind == "item":
            lines.append("- " + _escape(block.text))
        elif block.kind == "break":
            if lines and lines[-1] != "":
                lines.append("")
        else:
            lines.extend([_escape(block.text), ""])
    return "\n".join(lines).rstrip() + "\n"


def _escape(text: str) -> str:
    return " ".join(text.split()).replace("<", "&lt;")


def render_csv(s: Synthesis, context: ReportContext) -> str:
    """One row per note with its cluster (hidden notes last, without a cluster)."""
    buffer = io.StringIO()
    header = [
        "note_id",
        "table",
        "theme",
        "round",
        "question",
        "votes",
        "language",
        "cluster_id",
        "cluster_label",
        "cluster_rank",
        "representative",
        "duplicate_group",
        "key",
        "hidden",
        "text",
    ]
    if not context.anonymise:
        header.insert(-1, "author")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    hidden: list[str] = []
    for table in s.tables:
        duplicate_group = {i: g[0] for g in table.duplicates for i in g}
        for rank, cluster in enumerate(table.clusters, start=1):
            for note_id in cluster.notes:
                writer.writerow(
                    _csv_row(s, note_id, context, cluster, rank, duplicate_group.get(note_id, ""))
                )
        hidden.extend(table.hidden)
    for note_id in hidden:
        writer.writerow(_csv_row(s, note_id, context, None, None, ""))
    return buffer.getvalue()


def _csv_row(
    s: Synthesis,
    note_id: str,
    context: ReportContext,
    cluster: Cluster | None,
    rank: int | None,
    group: str,
) -> list[str]:
    note = s.notes[note_id]
    row = [
        note.note_id,
        note.table,
        note.theme,
        "" if note.round is None else str(note.round),
        note.question or "",
        str(note.votes),
        note.language or s.languages.get(note_id, ""),
        cluster.id if cluster else "",
        cluster.label if cluster else "",
        "" if rank is None else str(rank),
        "1" if cluster and cluster.representative == note_id else "0",
        group,
        "1" if cluster and cluster.key else "0",
        "0" if cluster else "1",
        note.text,
    ]
    if not context.anonymise:
        row.insert(-1, note.author or "")
    return row


def render(s: Synthesis, fmt: str, context: ReportContext | None = None) -> bytes:
    """The synthesis in one of FORMATS; raises ValueError on an unknown format."""
    context = context or ReportContext()
    if fmt == "json":
        data = synthesis_to_json(s, anonymise=context.anonymise)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "md":
        return render_markdown(s, context).encode("utf-8")
    if fmt == "csv":
        return render_csv(s, context).encode("utf-8")
    if fmt == "docx":
        from .documents import render_docx

        return render_docx(outline(s, context), context)
    if fmt == "pdf":
        from .documents import render_pdf

        return render_pdf(outline(s, context), context)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
