"""Notes on six distinct sub-topics in one table: clusters keep the topics apart."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from worldcafe.synthesis import Note, synthesize
from worldcafe.synthesis.features import expanded_terms
from worldcafe.synthesis.normalise import analyse

TOPICS = json.loads((Path(__file__).parent / "fixtures" / "topics.json").read_text("utf-8"))


def _table(language: str) -> tuple[list[Note], dict[str, str]]:
    notes: list[Note] = []
    truth: dict[str, str] = {}
    for topic, texts in TOPICS[language].items():
        for index, text in enumerate(texts):
            note_id = f"{language}-{topic}-{index}"
            notes.append(Note(note_id, f"{language}-table", "Town", text, round=1 + index % 3))
            truth[note_id] = topic
    return notes, truth


@pytest.mark.parametrize("language", ["de", "en"])
def test_topics_are_kept_apart(language: str) -> None:
    notes, truth = _table(language)
    table = synthesize(notes).tables[0]
    majority = sum(Counter(truth[i] for i in c.notes).most_common(1)[0][1] for c in table.clusters)
    assert majority / len(notes) >= 0.65
    assert 5 <= len(table.clusters) <= 20
    assert max(len(c.notes) for c in table.clusters) <= 0.25 * len(notes)


def test_theme_clusters_are_not_catch_alls() -> None:
    notes, truth = _table("de")
    spread = [Note(n.note_id, f"t{k % 3}", n.theme, n.text, n.round) for k, n in enumerate(notes)]
    theme = synthesize(spread).themes[0]
    for cluster in theme.clusters:
        assert len(cluster.notes) <= 0.25 * len(notes)
        assert len(set(cluster.tables)) == len(cluster.tables)
    top = theme.clusters[0]
    assert Counter(truth[i] for i in top.notes).most_common(1)[0][1] >= 0.5 * len(top.notes)


def test_german_compounds_count_as_their_parts() -> None:
    texts = ["Wohnbauförderung erhöhen", "Mehr Förderung für Wohnbau", "Günstiger Wohnbau"]
    terms = expanded_terms([analyse(t, "de") for t in texts])
    assert set(terms[0]) >= set(terms[1]) - {"mehr"}


def test_held_out_topics_beat_chance_by_far() -> None:
    """Topics written after the synthesis was tuned: no shared keywords, other subjects."""
    data = json.loads((Path(__file__).parent / "fixtures" / "topics_heldout.json").read_text())
    for language in ("de", "en"):
        notes: list[Note] = []
        truth: dict[str, str] = {}
        for topic, texts in data[language].items():
            for index, text in enumerate(texts):
                notes.append(Note(f"{topic}-{index}", "table", "Town", text))
                truth[f"{topic}-{index}"] = topic
        table = synthesize(notes).tables[0]
        majority = sum(
            Counter(truth[i] for i in c.notes).most_common(1)[0][1] for c in table.clusters
        )
        assert majority / len(notes) >= 0.4, language


def test_clusters_of_two_tables_in_two_languages_link_at_theme_level() -> None:
    ideas = [
        (
            "Safe bike lanes separated from the cars",
            "Sichere Radwege, getrennt von den Autos",
        ),
        ("More bike racks at the train station", "Mehr Fahrradständer am Bahnhof"),
        ("Repair the potholes on the cycle paths", "Die Schlaglöcher auf den Radwegen reparieren"),
        (
            "Rents are far too high for young families",
            "Die Mieten sind für junge Familien viel zu hoch",
        ),
        ("Build more social housing", "Mehr Sozialwohnungen bauen"),
        ("Empty flats should be rented out", "Leere Wohnungen sollen vermietet werden"),
    ]
    notes = [
        Note(f"en-{i}", "english", "Town", en, language="en") for i, (en, _) in enumerate(ideas)
    ]
    notes += [
        Note(f"de-{i}", "german", "Town", de, language="de") for i, (_, de) in enumerate(ideas)
    ]
    theme = synthesize(notes).themes[0]
    together = [c for c in theme.clusters if set(c.tables) == {"english", "german"}]
    assert sum(len(c.notes) for c in together) >= 0.75 * len(notes)
    for cluster in theme.clusters:
        topics = {int(i.split("-")[1]) < 3 for i in cluster.notes}
        assert len(topics) == 1, cluster.notes
