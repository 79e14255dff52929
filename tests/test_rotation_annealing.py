"""The polish at the end of planning with attributes: fewer wasted encounters, nothing else lost."""

from __future__ import annotations

import random

import pytest

from tests.test_rotation import check_hard
from worldcafe.rotation import Instance, TableSpec, plan_rounds
from worldcafe.rotation import mixing as mixing_module
from worldcafe.rotation.languages import tables_without_language
from worldcafe.rotation.search import Seating

STEPS = mixing_module.ANNEAL_STEPS_PER_SECOND


def small_cafe(seed: int, *, languages: bool = False, hosts: bool = False) -> Instance:
    """36 people from 6 countries of very different sizes at 6 tables of 6 (8 seats), four
    themes on 2, 2, 1 and 1 tables, 4 rounds; with `languages` everyone speaks English and
    some also their own language, and a common language is asked."""
    rng = random.Random(seed)
    themes = ["Water", "Water", "Housing", "Housing", "Parks", "Schools"]
    tables = [TableSpec(f"t{j}", theme, 8) for j, theme in enumerate(themes)]
    people = [f"p{i:02d}" for i in range(36)]
    countries = [f"C{k}" for k in range(6)]
    weights = [1.0 / (k + 1) for k in range(6)]
    attributes: dict[str, dict[str, object]] = {}
    for p in people:
        country = rng.choices(countries, weights)[0]
        entry: dict[str, object] = {"country": country}
        if languages:
            entry["languages"] = ["en", country.lower()] if rng.random() < 0.6 else ["en"]
        attributes[p] = entry
    host_map = {t.id: people[j] for j, t in enumerate(tables)} if hosts else {}
    return Instance(
        people,
        tables,
        4,
        host_map,
        attributes=attributes,
        mix=("country",),
        common_language=languages,
    )


def _wasted(instance: Instance, steps: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, float]:
    monkeypatch.setattr(mixing_module, "ANNEAL_STEPS_PER_SECOND", steps)
    plan = plan_rounds(instance, seed=3, time_limit=1.0)
    check_hard(instance, plan.rounds)
    assert plan.score.valid, plan.score.problems
    assert plan.score.language_violations == 0
    return plan.score.repeat_pairs + plan.score.mix_excess, plan.score.theme_coverage


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_polish_wastes_fewer_encounters_and_keeps_themes(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = small_cafe(seed)
    plain, plain_coverage = _wasted(instance, 0, monkeypatch)
    polished, coverage = _wasted(instance, STEPS, monkeypatch)
    assert coverage >= plain_coverage
    assert polished < plain, (polished, plain)


def test_the_polish_keeps_a_common_language_hosts_and_the_seed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instance = small_cafe(4, languages=True, hosts=True)
    plain, _ = _wasted(instance, 0, monkeypatch)
    polished, _ = _wasted(instance, STEPS, monkeypatch)
    assert polished <= plain
    first = plan_rounds(instance, seed=3, time_limit=1.0)
    again = plan_rounds(instance, seed=3, time_limit=1.0)
    assert first.rounds == again.rounds
    for r, rnd in enumerate(first.rounds):
        for table, host in instance.hosts.items():
            assert host in rnd[table], (r, table)
    state = Seating(instance, random.Random(0))
    for r, rnd in enumerate(first.rounds):
        for table, members in rnd.items():
            for p in members:
                state.place(r, state.people.index(p), state.table_ids.index(table))
    assert tables_without_language(state) == 0
