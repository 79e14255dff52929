"""Two `worldcafe run` processes on one PostgreSQL database and one Redis message queue."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import LiveServer, empty_postgres
from tests.test_faults import SMALL_CAFE, Screen, close_all, create_cafe, wait_until

POSTGRES_URL = os.environ.get("WORLDCAFE_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("WORLDCAFE_TEST_REDIS_URL")

pytestmark = pytest.mark.skipif(
    not (POSTGRES_URL and REDIS_URL),
    reason="needs WORLDCAFE_TEST_POSTGRES_URL and WORLDCAFE_TEST_REDIS_URL",
)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Processes A and B sharing the database, the queue and the secret key."""
    assert POSTGRES_URL and REDIS_URL
    empty_postgres(POSTGRES_URL)
    shared = {
        "WORLDCAFE_DATABASE_URL": POSTGRES_URL,
        "WORLDCAFE_MESSAGE_QUEUE": REDIS_URL,
        "WORLDCAFE_SECRET_KEY": "scale-out-test-key",
    }
    first = LiveServer(tmp_path / "a", env_extra=shared).start()
    second = LiveServer(tmp_path / "b", env_extra=shared)
    try:
        second.start()
        yield first, second
    finally:
        second.stop()
        first.stop()


def test_a_note_posted_on_b_reaches_the_host_on_a_and_the_timer_is_shared(
    servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = servers
    links = create_cafe(a, SMALL_CAFE)
    cafe_id = int(links["cafe_id"])
    host = Screen(a.url)
    host.open(links["host_url"])
    host.connect(cafe_id, "host")
    projector = Screen(b.url)
    projector.open(links["projector_url"].replace(a.url, b.url))
    projector.connect(cafe_id, "projector")
    phones = []
    for index, server in enumerate([a, b, b, a]):
        phone = Screen(server.url)
        phone.join(links["join_url"].replace(a.url, server.url), f"Phone {index}")
        phone.connect(cafe_id, "participant")
        phones.append(phone)
    screens = [host, projector, *phones]
    try:
        host.post(links["host_url"] + "/round/start")
        wait_until(lambda: all(p.table() for p in phones), what="every phone seated")
        wait_until(lambda: all(s.timers for s in screens), what="the timer on A and B")
        ends = {s.timers[-1]["ends_at"] for s in screens}
        assert len(ends) == 1 and None not in ends

        answer = phones[1].note("Posted through process B")
        assert answer["ok"], answer
        wait_until(lambda: answer["id"] in host.seen_notes(), what="the note on A's console")
        wait_until(lambda: answer["id"] in phones[0].seen_notes(), what="the note on A's phone")
        wait_until(lambda: answer["id"] in projector.seen_notes(), what="the note on B's wall")

        host.post(links["host_url"] + "/round/pause")
        wait_until(
            lambda: all(s.timers[-1]["status"] == "paused" for s in screens), what="the pause"
        )
        remaining = {s.timers[-1]["remaining"] for s in screens}
        assert len(remaining) == 1
    finally:
        close_all(screens)
