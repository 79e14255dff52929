"""Long reads that let the sockets go in between.

Reading every note of a big café (thousands of rows, their vectors) takes tens of
milliseconds; in the serving process that is time no socket is served. Read in turns, the rows
come a partition at a time with a pause of zero seconds between partitions: under the
server's gevent that pause lets every waiting greenlet (a note on its way to a table) run first;
elsewhere (tests, the command line) it costs next to nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Protocol, TypeVar

ROWS_PER_TURN = 250

R_co = TypeVar("R_co", covariant=True)


class Partitioned(Protocol[R_co]):
    """A query's result (SQLAlchemy's Result) as it is read here."""

    def partitions(self, size: int | None = None) -> Iterator[Sequence[R_co]]: ...


def in_turns(result: Partitioned[R_co], size: int = ROWS_PER_TURN) -> Iterator[R_co]:
    """The rows of `result`, `size` at a time, letting other work run after each partition."""
    for partition in result.partitions(size):
        yield from partition
        time.sleep(0)
