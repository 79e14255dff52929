"""Seating instances: the data types, reading them from the plan format and writing them back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_ROUNDS = 250
MAX_VALUE_CHARS = 200  # one attribute value
MAX_LIST_ITEMS = 50  # items of one list value (languages someone speaks)


class InstanceError(ValueError):
    """A seating instance that cannot be planned; the message is one clear line."""


@dataclass(frozen=True)
class TableSpec:
    """A table: its id, its theme ("" = no theme) and how many people it seats."""

    id: str
    theme: str
    capacity: int


@dataclass
class Instance:
    """Everything the planner needs to know about one café."""

    participants: list[str]
    tables: list[TableSpec]
    n_rounds: int
    hosts: dict[str, str] = field(default_factory=dict)
    rounds: list[dict[str, list[str]]] = field(default_factory=list)
    present: list[list[str]] | None = None
    attributes: dict[str, dict[str, object]] = field(default_factory=dict)
    """What people said at the door: {person: {"city": "Leipzig", "languages": ["de", "en"]}};
    a value is a string or a list of strings."""
    mix: tuple[str, ...] = ()
    """Attributes whose values are spread over the tables (a shared value is a wasted pair)."""
    common_language: bool = False
    """Everyone at a table who gave languages should share one."""


@dataclass(frozen=True)
class Score:
    """How good a plan is; `valid` is False when a hard constraint is broken (see `problems`)."""

    repeat_pairs: int
    max_meetings: int
    theme_coverage: float
    size_imbalance: int
    valid: bool
    problems: tuple[str, ...]
    mix_conflicts: int = 0
    """Pairs at a table sharing the value of an attribute in `mix`, over rounds and attributes."""
    mix_bound: int = 0
    """The fewest mix conflicts any plan can have (`mix_bound(instance)`)."""
    mix_excess: int = 0
    """mix_conflicts - mix_bound."""
    language_violations: int = 0
    """(round, table) pairs whose people who gave languages share none."""


@dataclass
class Plan:
    """All rounds of a café, their score, the repeat bound they are measured against, time taken."""

    rounds: list[dict[str, list[str]]]
    score: Score
    lower_bound: int
    seconds: float


def _ident(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InstanceError(f"{what} must be a string, got {value!r}")
    text = str(value)
    if not text:
        raise InstanceError(f"{what} must not be empty")
    return text


def _count(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{what} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise InstanceError(f"{what} must be between {low} and {high}, got {value}")
    return value


def _list(value: object, what: str) -> list[object]:
    if not isinstance(value, list):
        raise InstanceError(f"{what} must be a list")
    return value


def _mapping(value: object, what: str) -> Mapping[object, object]:
    if not isinstance(value, Mapping):
        raise InstanceError(f"{what} must be an object")
    return value


def _people(value: object, what: str, known: set[str]) -> list[str]:
    people = [_ident(p, f"{what} entry") for p in _list(value, what)]
    seen: set[str] = set()
    for p in people:
        if p not in known:
            raise InstanceError(f"{what} names unknown participant {p!r}")
        if p in seen:
            raise InstanceError(f"{what} names participant {p!r} twice")
        seen.add(p)
    return people


def _parse_tables(raw: object) -> list[TableSpec]:
    tables: list[TableSpec] = []
    ids: set[str] = set()
    for i, item in enumerate(_list(raw, "tables")):
        obj = _mapping(item, f"table {i + 1}")
        if "id" not in obj:
            raise InstanceError(f"table {i + 1} has no id")
        tid = _ident(obj["id"], f"table {i + 1} id")
        if tid in ids:
            raise InstanceError(f"table id {tid!r} appears twice")
        ids.add(tid)
        theme_raw = obj.get("theme")
        if theme_raw is not None and not isinstance(theme_raw, str):
            raise InstanceError(f"table {tid!r} theme must be a string or null")
        if "capacity" not in obj:
            raise InstanceError(f"table {tid!r} has no capacity")
        cap = _count(obj["capacity"], f"table {tid!r} capacity", 1, 100_000)
        tables.append(TableSpec(tid, theme_raw or "", cap))
    if not tables:
        raise InstanceError("a café needs at least one table")
    return tables


def _parse_round(
    raw: object, r: int, tables: dict[str, TableSpec], known: set[str]
) -> dict[str, list[str]]:
    what = f"played round {r + 1}"
    seated: set[str] = set()
    out: dict[str, list[str]] = {}
    for key, members in _mapping(raw, what).items():
        tid = _ident(key, f"{what} table")
        if tid not in tables:
            raise InstanceError(f"{what} uses unknown table {tid!r}")
        people = _people(members, f"{what} table {tid!r}", known)
        if len(people) > tables[tid].capacity:
            raise InstanceError(
                f"{what} seats {len(people)} at table {tid!r} (capacity {tables[tid].capacity})"
            )
        for p in people:
            if p in seated:
                raise InstanceError(f"{what} seats participant {p!r} twice")
            seated.add(p)
        out[tid] = people
    return out


def parse_instance(obj: object) -> Instance:
    """Read and check an instance in the plan format; raise InstanceError on anything wrong."""
    root = _mapping(obj, "the instance")
    for key in ("participants", "tables", "n_rounds"):
        if key not in root:
            raise InstanceError(f"the instance has no {key!r}")
    participants = [
        _ident(p, "participant id") for p in _list(root["participants"], "participants")
    ]
    known = set(participants)
    if len(known) != len(participants):
        dup = next(p for p in participants if participants.count(p) > 1)
        raise InstanceError(f"participant id {dup!r} appears twice")
    tables = _parse_tables(root["tables"])
    by_id = {t.id: t for t in tables}
    n_rounds = _count(root["n_rounds"], "n_rounds", 1, MAX_ROUNDS)

    hosts: dict[str, str] = {}
    for raw_tid, value in _mapping(root.get("hosts") or {}, "hosts").items():
        tid = _ident(raw_tid, "hosts table")
        if tid not in by_id:
            raise InstanceError(f"hosts names unknown table {tid!r}")
        pid = _ident(value, f"host of table {tid!r}")
        if pid not in known:
            raise InstanceError(f"host {pid!r} of table {tid!r} is not a participant")
        if pid in hosts.values():
            raise InstanceError(f"participant {pid!r} hosts more than one table")
        hosts[tid] = pid

    present: list[list[str]] | None = None
    if root.get("present") is not None:
        raw_present = _list(root["present"], "present")
        if len(raw_present) != n_rounds:
            raise InstanceError(
                f"present must list who is there in each of the {n_rounds} rounds, "
                f"got {len(raw_present)}"
            )
        present = [
            _people(v, f"present in round {r + 1}", known) for r, v in enumerate(raw_present)
        ]

    raw_rounds = _list(root.get("rounds") or [], "rounds")
    if len(raw_rounds) > n_rounds:
        raise InstanceError(f"{len(raw_rounds)} rounds played but the café has only {n_rounds}")
    rounds = [_parse_round(v, r, by_id, known) for r, v in enumerate(raw_rounds)]
    attributes = _parse_attributes(root.get("attributes"), known)
    mix = _parse_mix(root.get("mix"))
    common = root.get("common_language")
    common = False if common is None else common
    if not isinstance(common, bool):
        raise InstanceError(f"common_language must be true or false, got {common!r}")
    instance = Instance(
        participants, tables, n_rounds, hosts, rounds, present, attributes, mix, common
    )
    _check_played(instance)
    _check_seats(instance)
    return instance


def _value(value: object, what: str) -> object:
    """An attribute value: a string (numbers are read as text), a list of them, or None."""
    if value is None:
        return None
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise InstanceError(f"{what} lists more than {MAX_LIST_ITEMS} items")
        return [str(_value(v, what)) for v in value if v is not None and not isinstance(v, list)]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InstanceError(f"{what} must be a string or a list of strings, got {value!r}")
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        raise InstanceError(f"{what} is longer than {MAX_VALUE_CHARS} characters")
    return text


def _parse_attributes(raw: object, known: set[str]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for raw_pid, raw_attrs in _mapping(raw or {}, "attributes").items():
        pid = _ident(raw_pid, "attributes participant")
        if pid not in known:
            raise InstanceError(f"attributes names unknown participant {pid!r}")
        attrs: dict[str, object] = {}
        for raw_key, value in _mapping(raw_attrs or {}, f"attributes of {pid!r}").items():
            key = _ident(raw_key, f"attribute name of {pid!r}")
            parsed = _value(value, f"attribute {key!r} of {pid!r}")
            if parsed is not None:
                attrs[key] = parsed
        out[pid] = attrs
    return out


def _parse_mix(raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else _list(raw, "mix")
    return tuple(dict.fromkeys(_ident(a, "mix entry") for a in items))


def present_in(instance: Instance, r: int) -> list[str]:
    """Who is there in round r (everyone when the instance says nothing)."""
    return instance.participants if instance.present is None else instance.present[r]


def _check_played(instance: Instance) -> None:
    host_table = {p: t for t, p in instance.hosts.items()}
    for r, rnd in enumerate(instance.rounds):
        seat = {p: t for t, members in rnd.items() for p in members}
        there = set(present_in(instance, r))
        for p in seat:
            if p not in there:
                raise InstanceError(f"played round {r + 1} seats {p!r}, who is absent then")
        for p in there:
            if p not in seat:
                raise InstanceError(f"played round {r + 1} does not seat {p!r}, who is present")
            if p in host_table and seat[p] != host_table[p]:
                raise InstanceError(
                    f"played round {r + 1} seats host {p!r} at table {seat[p]!r}, "
                    f"not at their table {host_table[p]!r}"
                )


def open_tables(instance: Instance, r: int) -> list[TableSpec]:
    """The tables a future round uses: all of them, less the smallest ones if they cannot fill."""
    n = len(present_in(instance, r))
    there = set(present_in(instance, r))
    hosted = {t for t, p in instance.hosts.items() if p in there}
    tables = list(instance.tables)
    while tables:
        q, rem = divmod(n, len(tables))
        caps = [t.capacity for t in tables]
        if min(caps) >= q and sum(1 for c in caps if c >= q + 1) >= rem:
            return tables
        closable = [t for t in tables if t.id not in hosted]
        if not closable:
            break
        smallest = min(closable, key=lambda t: t.capacity)
        tables = [t for t in tables if t is not smallest]
    seats = sum(t.capacity for t in instance.tables)
    raise InstanceError(
        f"round {r + 1}: {n} people present cannot sit at evenly filled tables "
        f"({len(instance.tables)} tables, {seats} seats)"
    )


def _check_seats(instance: Instance) -> None:
    for r in range(len(instance.rounds), instance.n_rounds):
        open_tables(instance, r)


def instance_to_json(instance: Instance, rounds: list[dict[str, list[str]]]) -> dict[str, object]:
    """The instance in the plan format, with `rounds` holding the given (normally all) rounds."""
    out: dict[str, object] = {
        "participants": list(instance.participants),
        "tables": [
            {"id": t.id, "theme": t.theme or None, "capacity": t.capacity} for t in instance.tables
        ],
        "hosts": dict(instance.hosts),
        "n_rounds": instance.n_rounds,
        "rounds": [{t: list(m) for t, m in rnd.items()} for rnd in rounds],
    }
    if instance.present is not None:
        out["present"] = [list(p) for p in instance.present]
    if instance.attributes:
        out["attributes"] = {
            p: {k: list(v) if isinstance(v, list) else v for k, v in attrs.items()}
            for p, attrs in instance.attributes.items()
        }
    if instance.mix:
        out["mix"] = list(instance.mix)
    if instance.common_language:
        out["common_language"] = True
    return out
