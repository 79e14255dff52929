"""The plenary layer of contracts.md: points per table and theme, grounded titles, quotes."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np

from worldcafe.synthesis import Note, encode, synthesis_to_json, synthesize
from worldcafe.synthesis.normalise import analyse
from worldcafe.synthesis.notes import natural_key
from worldcafe.synthesis.points import RELATED, Material, _dissent, _quotes, make_point
from worldcafe.synthesis.result import Cluster

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _check_points(summary: dict[str, Any], own: set[str], notes: dict[str, Note]) -> None:
    points = summary["points"]
    assert len(points) <= 7
    unkeyed = [p for p in points if not p["key"]]
    assert [p["support"] for p in unkeyed] == sorted((p["support"] for p in unkeyed), reverse=True)
    assert points[: sum(p["key"] for p in points)] == [p for p in points if p["key"]]
    seen: set[str] = set()
    for point in points:
        members = point["notes"]
        assert set(members) <= own and not set(members) & seen
        seen |= set(members)
        assert len(set(members) - set(point["dissent"])) >= 2 or point["key"] or point["renamed"]
        assert 1 <= len(point["quotes"]) <= 3 and set(point["quotes"]) <= set(members)
        assert 0 < len(point["title"]) <= 100
        assert _words(point["title"]) <= set().union(*(_words(notes[i].text) for i in members))
        assert point["support"] == len(members) + sum(notes[i].votes for i in members)
        assert point["votes"] == sum(notes[i].votes for i in members)
        assert point["tables"] == sorted({notes[i].table for i in members}, key=natural_key)
        rounds = {r for i in members if (r := notes[i].round) is not None}
        assert point["rounds"] == sorted(rounds)
        assert set(point["dissent"]) <= set(members)
        assert not set(point["dissent"]) & set(point["quotes"])
        assert point["cross_table"] == (len(point["tables"]) > 1)


def test_every_table_and_theme_has_points_grounded_in_its_notes(cafe_notes: list[Note]) -> None:
    data = synthesis_to_json(synthesize(cafe_notes))
    notes = {n.note_id: n for n in cafe_notes}
    for table in data["tables"]:
        own = {i for c in table["clusters"] for i in c["notes"]}
        assert table["summary"]["points"]
        _check_points(table["summary"], own, notes)
    for theme in data["themes"]:
        own = {i for c in theme["clusters"] for i in c["notes"]}
        assert theme["summary"]["points"]
        _check_points(theme["summary"], own, notes)


def test_the_same_support_figure_for_a_point_at_its_table_and_in_its_theme(
    cafe_notes: list[Note],
) -> None:
    data = synthesis_to_json(synthesize(cafe_notes))
    at_tables = {
        tuple(p["notes"]): p["support"] for t in data["tables"] for p in t["summary"]["points"]
    }
    for theme in data["themes"]:
        for point in theme["summary"]["points"]:
            if tuple(point["notes"]) in at_tables:
                assert at_tables[tuple(point["notes"])] == point["support"]


CYCLING = [
    ("c1", "We need safe bike lanes on the way to every school", "en"),
    ("c2", "Wir brauchen sichere Radwege auf dem Schulweg", "de"),
    ("c3", "Children should be able to cycle safely to school", "en"),
    ("c4", "Safe cycling routes to schools, separated from cars", "en"),
    ("c5", "Sichere Radwege zu allen Schulen, getrennt vom Autoverkehr", "de"),
]
LIBRARY = [
    ("l1", "Open the public library on Sundays", "en"),
    ("l2", "Die Stadtbibliothek soll auch sonntags offen sein", "de"),
    ("l3", "The library should be open on Sunday afternoons", "en"),
    ("l4", "Longer library opening hours at the weekend", "en"),
]


def _mixed_table() -> list[Note]:
    return [
        Note(i, "Table 1", "City", text, round=1 + k % 2, votes=k % 3, language=lang)
        for k, (i, text, lang) in enumerate(CYCLING + LIBRARY)
    ]


def test_a_mixed_language_table_gives_one_point_per_idea_titled_in_the_cafes_language() -> None:
    for language in ("en", "de"):
        s = synthesize(_mixed_table(), language=language)
        points = s.tables[0].summary.points
        assert len(points) == 2
        ideas = [{i[0] for i in p.notes} for p in points]
        assert sorted(map(sorted, ideas)) == [["c"], ["l"]]
        for point in points:
            assert point.language == language
            assert point.cross_language
            source = [s.notes[i] for i in point.notes if s.notes[i].language == language]
            assert _words(point.title) <= set().union(*(_words(n.text) for n in source))


def test_a_host_key_insight_comes_first() -> None:
    notes = _mixed_table()
    notes[-1] = Note("l4", "Table 1", "City", notes[-1].text, round=1, key=True)
    points = synthesize(notes, language="en").tables[0].summary.points
    assert points[0].key and "l4" in points[0].notes
    assert not points[1].key


def test_quotes_are_diverse_and_well_voted() -> None:
    text = "We need safe bike lanes on the way to every school!"
    notes = [*_mixed_table(), Note("c6", "Table 1", "City", text, votes=9)]
    s = synthesize(notes, language="en")
    point = next(p for p in s.tables[0].summary.points if "c1" in p.notes)
    assert "c6" in point.quotes
    assert not {"c1", "c6"} <= set(point.quotes)


def test_opposite_notes_in_a_point_are_dissent_not_support() -> None:
    notes = [
        Note("a1", "T1", "Traffic", "Cars should be banned from the old town"),
        Note("a2", "T1", "Traffic", "Ban cars from the old town centre"),
        Note("a3", "T1", "Traffic", "No more cars in the old town, please"),
        Note("a4", "T1", "Traffic", "Cars should be allowed in the old town"),
        Note("b1", "T1", "Traffic", "Plant trees along the river promenade"),
        Note("b2", "T1", "Traffic", "More trees and shade by the river"),
    ]
    s = synthesize(notes, language="en")
    for point in s.tables[0].summary.points:
        if "a1" in point.notes and "a4" in point.notes:
            assert "a4" in point.dissent and "a1" not in point.dissent
    assert not any({"a1", "a4"} <= set(g) for g in s.tables[0].duplicates)


def test_a_negated_note_on_another_idea_of_the_theme_is_no_dissent() -> None:
    """Dissent says one idea the other way. "Rents are no longer affordable" and "social
    housing in the centre, not only on the edge" share a theme, and one holds a negation,
    but neither is the other's dissent; "allowed" against "banned" is."""
    texts = {
        "h": ("Il comune dovrebbe comprare gli edifici vuoti e affittarli alle famiglie", "it"),
        "r1": ("Die Mieten in der Altstadt sind für normale Familien nicht mehr bezahlbar", "de"),
        "r2": (
            "Des logements sociaux au cœur de la vieille ville, pas seulement en périphérie",
            "fr",
        ),
        "a1": ("Cruise ships should be banned from the old harbour", "en"),
        "a2": ("Cruise ships should be allowed in the old harbour", "en"),
    }
    vectors = dict(zip(texts, encode([t for t, _ in texts.values()]), strict=True))
    material = Material(
        notes={
            i: Note(i, "Table 1", "Housing", t, language=lang) for i, (t, lang) in texts.items()
        },
        analysed={i: analyse(t, lang) for i, (t, lang) in texts.items()},
        vectors={i: v / np.linalg.norm(v) for i, v in vectors.items()},
        language="it",
        duplicate_of={},
    )
    central = {i: 0.5 for i in texts}
    assert _dissent(["h", "r1", "r2"], "h", central, material) == []
    assert _dissent(["a1", "a2"], "a1", central, material) == ["a2"]


def test_huge_words_control_characters_and_punctuation_only_notes() -> None:
    word = "a" * 100_000
    notes = [
        Note("h1", "T1", "X", f"{word} x"),
        Note("h2", "T1", "X", f"{word}b x"),
        Note("p1", "T1", "X", "?!?"),
        Note("p2", "T1", "X", "..."),
        Note("c1", "T1", "X", "NUL\x00 and vertical\x0btab"),
    ]
    s = synthesize(notes)
    assert [sorted(g) for g in s.tables[0].duplicates] == [["h1", "h2"]]
    for point in s.tables[0].summary.points:
        assert not {"p1", "p2"} & set(point.notes)
        assert len(point.title) <= 100
        assert "\x00" not in point.title and "\x0b" not in point.title


def _city_table() -> list[Note]:
    """An English table of four matters, with one French and one Polish note on transport."""
    written = [
        ("en", "More buses to the new estates in the north"),
        ("en", "Trams every ten minutes in the evening too"),
        ("en", "Night buses at the weekend"),
        ("en", "Real-time departure screens at every stop"),
        ("fr", "Publier les horaires de bus en données ouvertes"),
        ("pl", "Darmowa komunikacja miejska dla uczniów"),
        ("en", "Public libraries should open on Sundays"),
        ("en", "Free museum entry on the first Sunday of the month"),
        ("en", "A cinema in the old market hall"),
        ("en", "Concerts in the parks in summer"),
        ("en", "Plant trees in every street without shade"),
        ("en", "Turn the car park into a small park"),
        ("en", "Rain gardens to stop flooding"),
        ("en", "Protect the old trees in the centre"),
        ("en", "Rents have doubled in ten years"),
        ("en", "Empty flats should be taxed"),
        ("en", "Student housing near the university"),
        ("en", "Social housing in every district"),
    ]
    return [Note(f"n{i}", "1", "City", t, language=code) for i, (code, t) in enumerate(written)]


def test_notes_that_share_no_idea_are_no_point_and_titles_keep_to_their_notes() -> None:
    s = synthesize(_city_table(), language="en")
    texts = {i: n.text for i, n in s.notes.items()}
    for scope in (s.tables[0], s.themes[0]):
        for point in scope.summary.points:
            voices = set(point.notes) - set(point.dissent)
            # Open timetables and free transit for pupils are two ideas, not one.
            assert not {"n4", "n5"} <= voices
            english = [i for i in point.notes if s.notes[i].language == "en"]
            source = english or list(point.notes)
            assert point.language == ("en" if english else s.languages[source[0]])
            assert _words(point.title) <= set().union(*(_words(texts[i]) for i in source))
    # With no English note among them, notes on public toilets are titled in their German.
    toilets = [
        Note("t1", "1", "City", "Mehr öffentliche Toiletten in der Altstadt", language="de"),
        Note("t2", "1", "City", "Kostenlose öffentliche Toiletten am Bahnhof", language="de"),
    ]
    s = synthesize([*_city_table()[:3], *toilets], language="en")
    german = [p for p in s.tables[0].summary.points if set(p.notes) == {"t1", "t2"}]
    assert [p.language for p in german] == ["de"]
    assert _words(german[0].title) <= _words(toilets[0].text) | _words(toilets[1].text)


def test_paraphrases_of_a_small_cluster_all_stand_in_its_point() -> None:
    notes = [
        Note("r1", "Table 1", "Streets", "Plant more trees along the river"),
        Note("r2", "Table 1", "Streets", "More trees by the river for shade"),
        Note("r3", "Table 1", "Streets", "Trees and shade along the river walk"),
        Note("b1", "Table 2", "Streets", "Night buses every half hour"),
        Note("b2", "Table 2", "Streets", "Night buses on weekends too"),
        Note("l1", "Table 2", "Streets", "Longer library opening hours"),
        Note("l2", "Table 2", "Streets", "Library open on Sundays"),
    ]
    s = synthesize(notes, language="en")
    for summary in (s.tables[0].summary, s.themes[0].summary):
        trees = next(p for p in summary.points if "r1" in p.notes)
        assert set(trees.notes) == {"r1", "r2", "r3"}
        assert trees.support == 3


def test_a_copy_with_a_name_added_is_quoted_once_and_the_title_is_not_the_first_quote() -> None:
    idea = "The city should buy empty flats and rent them to young families"
    texts = {
        "f1": idea,
        "f2": f"{idea} (Giulia)",
        "f3": f"{idea} (Marco Rossi)",
        "f4": "Empty flats bought by the town for families with children",
    }
    notes = {i: Note(i, "Table 1", "Housing", t) for i, t in texts.items()}
    rng = np.random.default_rng(0)
    base, other = rng.normal(size=16), rng.normal(size=16)
    # the copies' sentence vectors differ a little (below the redundancy bar), as names do
    raw = {"f1": base, "f2": base + 0.6 * other, "f3": base - 0.6 * other, "f4": other}
    vectors = {i: v / np.linalg.norm(v) for i, v in raw.items()}
    material = Material(
        notes=notes,
        analysed={i: analyse(t, "en") for i, t in texts.items()},
        vectors=vectors,
        language="en",
        duplicate_of={},
    )
    scores = {"f1": 0.9, "f2": 0.8, "f3": 0.7, "f4": 0.1}
    quotes = _quotes(list(texts), scores, material, title=idea)
    assert len([q for q in quotes if q in {"f1", "f2", "f3"}]) == 1, quotes
    assert quotes == ["f4", "f1"]
    assert _quotes(["f1", "f2"], scores, material, title=idea) == ["f1"]
    italian = "Il comune dovrebbe comprare gli appartamenti vuoti e affittarli alle famiglie"
    short = {"i1": f"{italian} (Giulia)", "i2": f"{italian} (Marco)"}
    few = replace(
        material,
        notes={i: Note(i, "Table 1", "Housing", t) for i, t in short.items()},
        analysed={i: analyse(t, "it") for i, t in short.items()},
        vectors={"i1": vectors["f2"], "i2": vectors["f3"]},
    )
    assert _quotes(["i1", "i2"], {"i1": 0.9, "i2": 0.8}, few) == ["i1"]
    # a headline cut from f2 (a copy of f1): f1 says what the title says, so it comes last
    cut = _quotes(list(texts), scores, material, title="Buy empty flats", source="f2")
    assert cut == ["f4", "f1"]


def test_no_quote_under_a_title_is_on_an_idea_far_from_the_note_it_was_cut_from() -> None:
    texts = {
        "a1": "Free wifi in every public library of the city",
        "a2": "Kostenloses WLAN in allen Bibliotheken der Stadt",
        "b1": "Longer opening hours for the libraries at weekends",
    }
    # a2 is close to both others (0.5 and 0.4), a1 and b1 are far apart (0.2): one point, but
    # b1 does not say what a title cut from a1 says, nor a1 what one cut from b1 says
    e = np.eye(3)
    raw = {
        "a1": e[0],
        "a2": 0.5 * e[0] + np.sqrt(0.75) * e[1],
        "b1": 0.2 * e[0] + (0.3 / np.sqrt(0.75)) * e[1] + np.sqrt(0.84) * e[2],
    }
    vectors = {i: v / np.linalg.norm(v) for i, v in raw.items()}
    lang = {"a1": "en", "a2": "de", "b1": "en"}
    material = Material(
        notes={i: Note(i, "Table 1", "Libraries", t) for i, t in texts.items()},
        analysed={i: analyse(t, lang[i]) for i, t in texts.items()},
        vectors=vectors,
        language="en",
        duplicate_of={},
    )
    cluster = Cluster("c", "", (), tuple(texts), "a1", 3, 0, (), ("Table 1",), 1.0)
    point = make_point(cluster, material)
    assert point is not None and {"a1", "b1"} <= set(point.notes)
    source = next(i for i in ("a1", "b1") if point.title.rstrip("…").lower() in texts[i].lower())
    for quote in point.quotes:
        assert float(vectors[quote] @ vectors[source]) >= RELATED, (point.title, point.quotes)
