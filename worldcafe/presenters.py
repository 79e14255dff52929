"""Screens rendered from their contexts (reads/screens.py): each fragment once per language."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from worldcafe.i18n import speaking
from worldcafe.models import Cafe, Participant
from worldcafe.reads import screens


def render_participant_panel(panel: dict[str, Any]) -> str:
    """A participant's table panel, as an OOB fragment."""
    return render_template("participant/_panel.html", oob=True, **panel)


def participant_panel_html(db: Session, cafe: Cafe, participant: Participant) -> str:
    """One participant's table panel, read and rendered."""
    return render_participant_panel(screens.participant_panel(db, cafe, participant))


def participant_panels_by_table(
    db: Session, cafe: Cafe, only_tables: set[int] | None = None
) -> list[tuple[str, list[str]]]:
    """After a round change: each table's panel in each of its languages, and its phones
    (with `only_tables`, just those tables)."""
    out = []
    for lang, panel, people in screens.participant_panels_by_table(db, cafe, only_tables):
        with speaking(lang):
            html = render_participant_panel(panel)
        out.append((html, [f"participant:{pid}" for pid in people]))
    return out


def render_host_console(context: dict[str, Any]) -> str:
    """The host console's live part, as an OOB fragment."""
    return render_template("host/_console.html", oob=True, **context)


def host_console_html(db: Session, cafe: Cafe) -> str:
    """The host console's live part, read and rendered."""
    return render_host_console(screens.host_context(db, cafe))


def render_projector(context: dict[str, Any]) -> str:
    """The projector's stage, as an OOB fragment."""
    return render_template("projector/_stage.html", oob=True, **context)


def projector_html(db: Session, cafe: Cafe) -> str:
    """The projector's stage, read and rendered."""
    return render_projector(screens.projector_context(db, cafe))


def render_join_count(joined: int) -> str:
    """The projector's join counter, as an OOB fragment."""
    return render_template("projector/_join_count.html", joined=joined, oob=True)


def render_projector_harvest(context: dict[str, Any]) -> str:
    """The projector's harvest view, as an OOB fragment."""
    return render_template("projector/_harvest.html", oob=True, **context)


def projector_harvest_html(db: Session, cafe: Cafe) -> str:
    """The projector's harvest view, read and rendered."""
    return render_projector_harvest(screens.projector_harvest_context(db, cafe))
