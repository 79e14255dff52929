"""Cafés the planner has never seen, drawn at random: varied shapes and people.

`random_cafe(seed)`: 20 to 300 people (or a given number), tables of 3 to 8, 3 to 8 rounds, a
few themes, sometimes a host at every table, and people from countries and cities of skewed
sizes who speak 1 to 4 languages, some only one; mixing by country, by city or both, and often
a common language asked at every table. The languages are drawn around one seating of the
first round in which every table shares a language, so a plan without a table lacking a common
language exists by construction (the same seating in every round).
"""

from __future__ import annotations

import random
from typing import Any

from worldcafe.rotation import Instance, TableSpec

LANGUAGES = ["sw", "pt", "tr", "nl", "sv", "cs", "hu", "ro", "fi", "el", "da", "uk"]
THEMES = ["Water", "Mobility", "Housing", "Health", "Energy", "Schools", "Parks", "Budgets"]


def _skewed(rng: random.Random, count: int) -> list[float]:
    """Weights of groups of very different sizes (a few large, many small)."""
    return [1.0 / (k + 1) ** rng.uniform(0.6, 1.4) for k in range(count)]


def random_cafe(seed: int, n: int | None = None) -> Instance:
    """One random café (deterministic for a seed)."""
    rng = random.Random(seed)
    n = n if n is not None else rng.randint(20, 300)
    g = rng.randint(3, 8)
    m = max(2, -(-n // g))
    rounds = rng.randint(3, 8)
    n_themes = rng.choice([0, 1, 2, 3, 4, 5, 6, 8])
    n_themes = min(n_themes, m)
    tables = [
        TableSpec(f"t{j + 1}", THEMES[j % n_themes] if n_themes else "", g + rng.randint(0, 1))
        for j in range(m)
    ]
    people = [f"v{i:04d}" for i in range(n)]
    hosts = {t.id: people[j] for j, t in enumerate(tables)} if rng.random() < 0.25 else {}
    countries = [f"Country {k}" for k in range(rng.randint(3, max(4, n // 5)))]
    spoken = {c: rng.choice(LANGUAGES) for c in countries}
    weights = _skewed(rng, len(countries))
    # one seating of round 1 (hosts at their tables) with a language shared at each table
    seats: list[list[str]] = [[] for _ in tables]
    for j, t in enumerate(tables):
        if t.id in hosts:
            seats[j].append(hosts[t.id])
    rest = [p for p in people if p not in hosts.values()]
    rng.shuffle(rest)
    for k, p in enumerate(rest):
        seats[min(range(m), key=lambda j: (len(seats[j]), (j - k) % m))].append(p)
    lingua = rng.choice(["en", "en", "fr", "es"])
    attributes: dict[str, dict[str, object]] = {}
    for group in seats:
        # most tables share the lingua franca; some share only a local language
        local = rng.random() < 0.15
        table_country = rng.choices(countries, weights)[0]
        shared = spoken[table_country] if local else lingua
        for p in group:
            country = table_country if local and rng.random() < 0.7 else None
            country = country or rng.choices(countries, weights)[0]
            own = spoken[country]
            langs = {shared}
            if rng.random() < 0.8:
                langs.add(own)
            for _ in range(rng.choice([0, 0, 1, 2])):
                langs.add(rng.choice([*LANGUAGES, lingua]))
            entry: dict[str, object] = {}
            if rng.random() > 0.04:  # a few answer nothing
                entry["country"] = country if rng.random() < 0.9 else country.upper() + " "
                entry["city"] = f"{country} city {min(int(rng.expovariate(0.7)), 6)}"
                entry["languages"] = sorted(langs)
            attributes[p] = entry
    mix: tuple[str, ...] = rng.choice([("country",), ("city",), ("country", "city")])
    return Instance(
        people,
        tables,
        rounds,
        hosts,
        attributes=attributes,
        mix=mix,
        common_language=rng.random() < 0.7,
    )


def describe(instance: Instance) -> dict[str, Any]:
    """A one-line summary of a café's shape."""
    themes = {t.theme for t in instance.tables if t.theme}
    return {
        "n": len(instance.participants),
        "tables": len(instance.tables),
        "cap": max(t.capacity for t in instance.tables),
        "rounds": instance.n_rounds,
        "themes": len(themes),
        "hosts": len(instance.hosts),
        "mix": "+".join(instance.mix),
        "lang": instance.common_language,
    }
