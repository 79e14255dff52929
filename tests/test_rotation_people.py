"""Who people are in plan files: attributes, mixing figures, the mix bound, common languages."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from tests.test_rotation import check_hard
from worldcafe.cli import main
from worldcafe.rotation import (
    Instance,
    InstanceError,
    TableSpec,
    instance_to_json,
    mix_bound,
    parse_instance,
    plan_rounds,
    score_plan,
)
from worldcafe.rotation.people import mix_value, spoken, spread_pairs


def nine(attributes: dict[str, dict[str, object]], mix: tuple[str, ...] = ()) -> Instance:
    """9 people at 3 tables of 3, one round."""
    people = [str(i) for i in range(9)]
    tables = [TableSpec(t, th, 3) for t, th in zip("ABC", "xyz", strict=True)]
    return Instance(people, tables, 1, attributes=attributes, mix=mix)


ROWS = {"A": ["0", "1", "2"], "B": ["3", "4", "5"], "C": ["6", "7", "8"]}


def test_attributes_mix_and_common_language_survive_the_plan_file() -> None:
    raw: dict[str, Any] = {
        "participants": ["a", "b"],
        "tables": [{"id": "t", "theme": None, "capacity": 2}],
        "n_rounds": 1,
        "attributes": {"a": {"city": "Leipzig", "languages": ["de", "en"], "age": 40}, "b": {}},
        "mix": ["city"],
        "common_language": True,
    }
    instance = parse_instance(raw)
    assert instance.attributes["a"] == {"city": "Leipzig", "languages": ["de", "en"], "age": "40"}
    assert instance.mix == ("city",) and instance.common_language
    out = instance_to_json(instance, [{"t": ["a", "b"]}])
    assert out["attributes"] == {"a": instance.attributes["a"], "b": {}}
    assert out["mix"] == ["city"] and out["common_language"] is True
    assert parse_instance(out).attributes == instance.attributes


def test_a_plan_file_without_attributes_stays_as_it_was() -> None:
    raw = {"participants": ["a"], "tables": [{"id": "t", "capacity": 1}], "n_rounds": 1}
    instance = parse_instance(raw)
    assert instance.attributes == {} and instance.mix == () and not instance.common_language
    out = instance_to_json(instance, [{"t": ["a"]}])
    assert "attributes" not in out and "mix" not in out and "common_language" not in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"attributes": {"zz": {"city": "x"}}}, "unknown participant"),
        ({"attributes": {"a": {"city": {"nested": 1}}}}, "string or a list"),
        ({"attributes": {"a": {"city": "x" * 201}}}, "longer than"),
        ({"attributes": ["a"]}, "must be an object"),
        ({"mix": [3.5]}, "mix entry"),
        ({"common_language": "yes"}, "true or false"),
    ],
)
def test_bad_attributes_are_refused_with_one_clear_line(
    change: dict[str, object], message: str
) -> None:
    raw: dict[str, object] = {
        "participants": ["a"],
        "tables": [{"id": "t", "capacity": 1}],
        "n_rounds": 1,
        **change,
    }
    with pytest.raises(InstanceError, match=message) as caught:
        parse_instance(raw)
    assert "\n" not in str(caught.value)


def test_values_compare_ignoring_case_spaces_and_list_order() -> None:
    assert mix_value(" Leipzig ") == mix_value("LEIPZIG") == mix_value("leipzig")
    assert mix_value("New   York") == mix_value("new york")
    assert mix_value(["b", "A"]) == mix_value(["a", "B ", "a"])
    assert mix_value("") is None and mix_value([]) is None and mix_value(None) is None
    assert spoken("de, EN-gb") == spoken(["DE", "en_US"]) == frozenset({"de", "en"})
    assert spoken(None) == spoken([]) == frozenset()


def test_mix_conflicts_count_pairs_per_attribute() -> None:
    attrs: dict[str, dict[str, object]] = {
        "0": {"country": "DE", "city": "Leipzig"},
        "1": {"country": "de", "city": "leipzig "},
        "2": {"country": "DE", "city": "Berlin"},
        "3": {"country": "FR"},
        "4": {"country": ""},
        "5": {},
    }
    score = score_plan(nine(attrs, ("country", "city")), [ROWS])
    # table A: three from DE (3 pairs) and two from Leipzig (1 pair); nobody else shares
    assert score.mix_conflicts == 4
    assert score.mix_bound == 0 and score.mix_excess == 4
    assert score_plan(nine(attrs, ("city",)), [ROWS]).mix_conflicts == 1
    assert score_plan(nine(attrs), [ROWS]).mix_conflicts == 0  # nothing asked to mix


def test_the_mix_bound_spreads_each_group_over_all_tables() -> None:
    everyone: dict[str, dict[str, object]] = {str(i): {"c": "X"} for i in range(9)}
    instance = nine(everyone, ("c",))
    assert mix_bound(instance) == 9  # three at each table
    score = score_plan(instance, [ROWS])
    assert score.mix_conflicts == 9 and score.mix_excess == 0
    four: dict[str, dict[str, object]] = {str(i): {"c": "X"} for i in range(4)}
    assert mix_bound(nine(four, ("c",))) == 1
    hosted = nine(four, ("c",))
    hosted.hosts = {"A": "0", "B": "1"}
    assert mix_bound(hosted) == 1
    assert spread_pairs(9, [2, 5, 5], [0, 0, 0]) == 10
    assert spread_pairs(4, [2, 2], [1, 1]) == 2


def test_played_rounds_count_in_the_mix_bound_as_they_are() -> None:
    attrs: dict[str, dict[str, object]] = {str(i): {"c": "ABC"[i // 3]} for i in range(9)}
    instance = nine(attrs, ("c",))
    instance.n_rounds = 2
    assert mix_bound(instance) == 0
    instance.rounds = [ROWS]
    assert mix_bound(instance) == 9


def test_language_violations_count_tables_without_a_shared_language() -> None:
    spoken_by: dict[str, object] = {
        "0": ["de", "en"],
        "1": ["fr", "en"],
        "2": ["EN-gb"],
        "3": ["de"],
        "4": ["fr", "en"],
        "5": [],
        "6": ["de"],
        "7": "de, en",
    }
    instance = nine({p: {"languages": v} for p, v in spoken_by.items()})
    score = score_plan(instance, [ROWS])
    assert score.language_violations == 1  # table B: {de} and {fr, en}
    assert score.mix_conflicts == 0


def conference(n: int, tables: int, rounds: int, seed: int, *, hosts: int = 0) -> Instance:
    """A generated conference: countries of uneven size, cities within them, most speak
    English, a few speak only their own language (always with enough speakers to share it)."""
    rng = random.Random(seed)
    countries = [f"Land {k}" for k in range(max(3, n // 6))]
    weights = [1.0 / (k + 1) for k in range(len(countries))]
    people = [f"x{i}" for i in range(n)]
    attributes: dict[str, dict[str, object]] = {}
    for p in people:
        country = rng.choices(countries, weights)[0]
        city = f"{country} city {rng.randrange(3)}"
        own = f"l{countries.index(country) % 4}"
        languages = [own] if rng.random() < 0.08 else [own, "en"]
        attributes[p] = {"country": country.upper(), "city": city, "languages": languages}
    cap = -(-n // tables)
    specs = [TableSpec(f"t{j}", f"theme {j % 3}", cap) for j in range(tables)]
    return Instance(
        people,
        specs,
        rounds,
        {f"t{j}": people[j] for j in range(hosts)},
        attributes=attributes,
        mix=("country", "city"),
        common_language=True,
    )


@pytest.mark.parametrize(("n", "tables", "rounds", "seed"), [(30, 6, 3, 1), (48, 12, 3, 2)])
def test_every_table_shares_a_language_and_mixing_is_near_its_bound(
    n: int, tables: int, rounds: int, seed: int
) -> None:
    instance = conference(n, tables, rounds, seed)
    plan = plan_rounds(instance, seed=0, time_limit=3.0)
    check_hard(instance, plan.rounds)
    assert plan.score.language_violations == 0
    assert plan.score.theme_coverage == 1.0
    # mixing alone, against the same café planned with nobody's attributes known
    instance.common_language = False
    mixed = plan_rounds(instance, seed=0, time_limit=1.0).score
    blind = plan_rounds(
        Instance(instance.participants, instance.tables, rounds), seed=0, time_limit=0.2
    )
    assert mixed.theme_coverage == 1.0
    assert score_plan(instance, blind.rounds).mix_conflicts > mixed.mix_conflicts


def test_a_language_nobody_else_speaks_is_reported_not_hidden() -> None:
    instance = conference(20, 4, 2, 3)
    instance.attributes["x0"] = {"languages": ["xx"]}
    plan = plan_rounds(instance, seed=0, time_limit=0.5)
    check_hard(instance, plan.rounds)
    assert plan.score.language_violations == 2  # one table per round, no plan avoids it


def test_mixing_plans_are_the_same_for_a_seed() -> None:
    instance = conference(36, 9, 3, 4)
    first = plan_rounds(instance, seed=5, time_limit=1.0)
    assert plan_rounds(instance, seed=5, time_limit=1.0).rounds == first.rounds


def test_replanning_for_joiners_and_leavers_keeps_languages_and_mixing() -> None:
    base = conference(44, 9, 3, 6, hosts=3)
    people = base.participants
    first = plan_rounds(
        Instance(
            people[:40],
            base.tables,
            3,
            base.hosts,
            attributes={p: base.attributes[p] for p in people[:40]},
            mix=base.mix,
            common_language=True,
        ),
        seed=0,
        time_limit=0.5,
    )
    later = [p for p in people if p not in ("x10", "x11")]
    instance = Instance(
        people,
        base.tables,
        3,
        base.hosts,
        first.rounds[:1],
        [people[:40], later, later],
        base.attributes,
        base.mix,
        True,
    )
    plan = plan_rounds(instance, seed=0, time_limit=1.0)
    check_hard(instance, plan.rounds)
    assert plan.rounds[0] == first.rounds[0]
    assert plan.score.language_violations == 0
    assert plan.score.mix_excess <= max(2, plan.score.mix_bound)


def test_the_plan_command_echoes_attributes_and_warns_when_no_language_is_shared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw: dict[str, Any] = {
        "participants": ["a", "b", "c", "d"],
        "tables": [
            {"id": "t1", "theme": "x", "capacity": 2},
            {"id": "t2", "theme": "y", "capacity": 2},
        ],
        "n_rounds": 2,
        "attributes": {"a": {"languages": ["de"]}, "b": {"languages": "fr"}, "c": {"city": "Rome"}},
        "mix": "city",
        "common_language": True,
    }
    path = tmp_path / "cafe.json"
    path.write_text(json.dumps(raw))
    assert main(["plan", str(path), "--time-limit", "0.5"]) == 0
    out, err = capsys.readouterr()
    plan = json.loads(out)
    assert plan["attributes"]["b"] == {"languages": "fr"} and plan["mix"] == ["city"]
    assert err == ""  # a and b never need to share a table
    raw["participants"] = ["a", "b"]
    raw["tables"] = [{"id": "t1", "capacity": 2}]
    raw["attributes"] = {"a": {"languages": ["de"]}, "b": {"languages": "fr"}}
    path.write_text(json.dumps(raw))
    assert main(["plan", str(path), "--time-limit", "0.5"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["rounds"] and err.count("\n") == 1 and "share no language" in err
    raw["attributes"] = {"zz": {}}
    path.write_text(json.dumps(raw))
    assert main(["plan", str(path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(
    ("countries", "per_country", "themes", "rounds"), [(6, 7, 0, 5), (4, 9, 3, 3), (3, 11, 0, 6)]
)
def test_when_every_table_can_hold_one_of_each_country_no_meeting_is_wasted(
    countries: int, per_country: int, themes: int, rounds: int
) -> None:
    people = [f"q{i}" for i in range(countries * per_country)]
    rng = random.Random(countries)
    rng.shuffle(people)
    attributes: dict[str, dict[str, object]] = {
        p: {"country": f"Country {i % countries}"} for i, p in enumerate(people)
    }
    tables = [
        TableSpec(f"t{j}", f"theme {j % themes}" if themes else "", countries)
        for j in range(per_country)
    ]
    instance = Instance(sorted(people), tables, rounds, attributes=attributes, mix=("country",))
    plan = plan_rounds(instance, seed=1, time_limit=2.0)
    check_hard(instance, plan.rounds)
    assert plan.score.mix_conflicts == 0 and plan.score.repeat_pairs == 0
    assert plan.score.theme_coverage == 1.0
