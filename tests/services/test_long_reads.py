"""Long reads in turns: every row, in order, with a pause for other work between partitions."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from worldcafe.services import long_reads
from worldcafe.services.long_reads import in_turns


def test_every_row_comes_in_order_with_a_pause_after_each_partition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_engine("sqlite://")
    pauses: list[int] = []
    seen: list[int] = []

    class Clock:
        @staticmethod
        def sleep(seconds: float) -> None:
            assert seconds == 0
            pauses.append(len(seen))

    monkeypatch.setattr(long_reads, "time", Clock)
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (:n)"), [{"n": n} for n in range(1000)])
        for (n,) in in_turns(connection.execute(text("SELECT n FROM t ORDER BY n")), size=300):
            seen.append(n)
    assert seen == list(range(1000))
    # Other work gets its turn after rows 300, 600, 900 and 1000, never in between.
    assert pauses == [300, 600, 900, 1000]
