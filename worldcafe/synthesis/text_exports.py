"""Markdown and CSV exports, safe to open: no live links or images, no spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from .outline import Block, ReportContext, clean, ordered_themes, outline
from .plenary import theme_points
from .result import Cluster, Synthesis

# Anything a Markdown renderer could turn into a link: schemes, www. hosts and e-mail addresses.
# Matched per whitespace-separated token, anchored, so a huge word costs linear time.
_SCHEME = re.compile(r"(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,15}:[^\s:]")
_WWW = re.compile(r"(?i)(?<![a-z0-9])www\.")
_TOKEN = re.compile(r"\S+")
_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&{}])")
_LINE_START = re.compile(r"^(\s*\d*)([#>+=.)-])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _linkish(token: str) -> bool:
    return bool(_SCHEME.search(token) or _WWW.search(token)) or (
        "@" in token and "." in token.rpartition("@")[2]
    )


def markdown_text(text: str) -> str:
    """Text for Markdown: markup characters escaped, links and addresses shown as code."""
    text = clean(text)
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if "`" in token or not _linkish(token):
            continue
        out.append(_escape(text[position : match.start()]))
        out.append(f"`{token}`")
        position = match.end()
    out.append(_escape(text[position:]))
    joined = "".join(out)
    return _LINE_START.sub(r"\1\\\2", joined, count=1)


def render_markdown(s: Synthesis, context: ReportContext) -> str:
    """The outline as Markdown."""
    return blocks_markdown(outline(s, context))


def blocks_markdown(blocks: Sequence[Block]) -> str:
    """Markdown of an outline; every text of a note goes through markdown_text."""
    lines: list[str] = []
    prefixes = {"title": "# ", "h1": "## ", "h2": "### ", "h3": "#### "}
    for block in blocks:
        if block.kind != "item" and lines and lines[-1].startswith("- "):
            lines.append("")
        text = markdown_text(block.text)
        if block.kind in prefixes:
            heading = prefixes[block.kind] + text
            if block.key:
                heading += " ★"
            lines.extend([heading, ""])
            if block.detail:
                lines.extend([f"*{markdown_text(block.detail)}*", ""])
        elif block.kind == "quote":
            lines.append(f"> “{text}”")
            if block.detail:
                lines.extend([">", f"> — {markdown_text(block.detail)}"])
            lines.append("")
        elif block.kind == "item":
            line = f"- {text}"
            if block.detail:
                line += f" — *{markdown_text(block.detail)}*"
            lines.append(line)
        elif block.kind == "meta":
            lines.extend([f"*{text}*", ""])
        elif block.kind in ("break", "toc"):
            if lines and lines[-1] != "":
                lines.append("")
        else:
            lines.extend([text, ""])
    return "\n".join(lines).rstrip() + "\n"


def csv_cell(value: str) -> str:
    """A cell a spreadsheet never runs as a formula: a leading = + - @ tab or CR gets a '."""
    return "'" + value if value.startswith(_FORMULA_START) else value


HEADER = (
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
    "point_rank",
    "point_title",
    "hidden",
    "text",
)


def render_csv(s: Synthesis, context: ReportContext) -> str:
    """One row per note with its cluster and plenary point (hidden notes last, without)."""
    buffer = io.StringIO()
    header = list(HEADER)
    if not context.anonymise:
        header.insert(-1, "author")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    point_of: dict[str, tuple[int, str]] = {}
    for theme in ordered_themes(s, context):
        for rank, point in enumerate(theme_points(s, theme, context.curation), start=1):
            for note_id in point.notes:
                point_of.setdefault(note_id, (rank, point.title))
    hidden: list[str] = []
    for table in s.tables:
        duplicate_group = {i: g[0] for g in table.duplicates for i in g}
        for rank, cluster in enumerate(table.clusters, start=1):
            for note_id in cluster.notes:
                row = _row(s, note_id, context, cluster, rank, duplicate_group.get(note_id, ""))
                row[13:15] = (
                    [str(point_of[note_id][0]), point_of[note_id][1]]
                    if (note_id in point_of)
                    else ["", ""]
                )
                writer.writerow([csv_cell(cell) for cell in row])
        hidden.extend(table.hidden)
    for note_id in hidden:
        writer.writerow([csv_cell(cell) for cell in _row(s, note_id, context, None, None, "")])
    return buffer.getvalue()


def _row(
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
        "",
        "",
        "0" if cluster else "1",
        note.text,
    ]
    if not context.anonymise:
        row.insert(-1, note.author or "")
    return row
