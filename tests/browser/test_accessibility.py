"""axe-core on every view at phone, tablet and projector sizes: no serious or critical violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PROJECTOR, TABLET
from tests.live_server import LiveServer
from worldcafe import create_app
from worldcafe.extensions import database
from worldcafe.links import cafe_links, setup_token
from worldcafe.services import cafes as cafe_service
from worldcafe.services import organisers as organiser_service
from worldcafe.services.cafe_config import parse_cafe_spec
from worldcafe.settings import read_or_create_secret_key

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
NARROW = {"width": 320, "height": 640}
ZOOMED_TABLET = {"width": 512, "height": 384}  # a tablet at 200 % zoom
ORGANISER = ("organiser@example.org", "correct horse battery")
CAFE = {
    "title": "Accessible café",
    "language": "en",
    "rounds": 2,
    "round_minutes": 15,
    "themes": [
        {"name": "Participation", "tables": 1, "questions": ["Who is missing from the table?"]},
        {"name": "Investment", "tables": 1, "questions": ["Where should the money go?"]},
    ],
}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def create_cafes(server: LiveServer, *configs: dict[str, Any]) -> list[dict[str, Any]]:
    """Create cafés in the server's database directly (the command takes seconds to start)."""
    app = create_app({"INSTANCE_PATH": str(server.instance), "TESTING": True})
    created = []
    with app.app_context(), database().write() as db:
        for config in configs:
            cafe = cafe_service.create_cafe(db, parse_cafe_spec(config))
            created.append(cafe_links(cafe, server.url))
    return created


def create_organiser(server: LiveServer, email: str, password: str) -> None:
    """An organiser account in the server's database."""
    app = create_app({"INSTANCE_PATH": str(server.instance), "TESTING": True})
    with app.app_context(), database().write() as db:
        organiser_service.create_organiser(db, email, password)


@dataclass
class Cafe:
    """A café in a round with notes, with the browser states of a phone and an organiser."""

    server: LiveServer
    links: dict[str, Any]
    phone_state: dict[str, Any] = field(default_factory=dict)
    mate_state: dict[str, Any] = field(default_factory=dict)
    organiser_state: dict[str, Any] = field(default_factory=dict)
    setup_violations: list[dict[str, Any]] = field(default_factory=list)


def _new_page(browser: Any, viewport: dict[str, int], **options: Any) -> Any:
    context = browser.new_context(viewport=viewport, bypass_csp=True, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _join(browser: Any, url: str, name: str) -> Any:
    page = _new_page(browser, PHONE)
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Welcome to the lobby")).to_be_visible()
    return page


@pytest.fixture(scope="module")
def cafe(browser: Any, server: LiveServer) -> Iterator[Cafe]:
    token = setup_token(read_or_create_secret_key(server.instance))
    state = Cafe(server, create_cafes(server, CAFE)[0])
    # The account set-up page shows only while there is no organiser.
    setup = _new_page(browser, TABLET)
    setup.goto(f"{server.url}/organiser/setup/{token}")
    expect(setup.get_by_role("heading", name="Create the organiser account")).to_be_visible()
    state.setup_violations = _serious(setup)
    setup.context.close()
    create_organiser(server, *ORGANISER)
    phones = [_join(browser, state.links["join_url"], name) for name in ("Ada", "Bo", "Cem")]
    host = _new_page(browser, TABLET)
    host.goto(state.links["host_url"])
    host.get_by_role("button", name="Start round").click()
    heading = re.compile(r"Table \d · \w+")
    for page in phones:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    # Two people at the same table write, so that the first sees notes from others.
    tables: dict[str, list[Any]] = {}
    for page in phones:
        tables.setdefault(page.locator("h1.table-heading").inner_text(), []).append(page)
    writers = max(tables.values(), key=len)
    texts = ["More benches in the park", "Ask the teenagers", "Open the school yards"]
    for page, text in zip(writers * 2, texts, strict=False):
        page.get_by_label("Your note").fill(text)
        page.get_by_role("button", name="Add note").click()
        expect(page.get_by_role("list", name="Table notes")).to_contain_text(text)
    state.phone_state = writers[0].context.storage_state()
    state.mate_state = writers[1].context.storage_state()
    organiser = _new_page(browser, TABLET)
    organiser.goto(f"{server.url}/organiser/login")
    organiser.get_by_label("E-mail").fill(ORGANISER[0])
    organiser.get_by_label("Password").fill(ORGANISER[1])
    organiser.get_by_role("button", name="Sign in").click()
    expect(organiser.get_by_role("heading", name="Your cafés")).to_be_visible()
    state.organiser_state = organiser.context.storage_state()
    for page in [*phones, host, organiser]:
        page.context.close()
    yield state


def _serious(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE)
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def _check(page: Any, view: str) -> None:
    found = _serious(page)
    for violation in found:
        print(f"{view}: {violation['impact']} {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            print("   ", node)
    assert not found, f"{view}: {[v['id'] for v in found]}"


def _no_horizontal_scroll(page: Any, view: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{view} scrolls sideways at {widths[1]} px: {widths[0]} px"


def _live(page: Any) -> None:
    expect(page.locator("[data-connection]")).to_have_class(re.compile(r"^connection$"))
    expect(page.locator("[data-connection]")).not_to_have_text(re.compile("Connecting"))


VIEWS = [
    ("start", PHONE),
    ("start", TABLET),
    ("join", PHONE),
    ("join", NARROW),
    ("phone-round", PHONE),
    ("phone-round", NARROW),
    ("phone-round-de", PHONE),
    ("phone-lobby", PHONE),
    ("host", TABLET),
    ("host", ZOOMED_TABLET),
    ("projector", PROJECTOR),
    ("projector-contrast", PROJECTOR),
    ("projector-harvest", PROJECTOR),
    ("login", PHONE),
    ("dashboard", TABLET),
    ("new-cafe", TABLET),
    ("organiser-cafe", TABLET),
    ("organiser-cafe", ZOOMED_TABLET),
    ("organiser-harvest", TABLET),
    ("organiser-privacy", TABLET),
    ("not-found", PHONE),
]


@pytest.mark.parametrize(("view", "viewport"), VIEWS, ids=[f"{v}-{s['width']}" for v, s in VIEWS])
def test_no_serious_axe_violation(
    browser: Any, cafe: Cafe, view: str, viewport: dict[str, int]
) -> None:
    url = cafe.server.url
    links = cafe.links
    organiser_url = str(links["organiser_url"])
    options: dict[str, Any] = {}
    if view.startswith("phone-round"):
        options["storage_state"] = cafe.phone_state
    if view in ("dashboard", "new-cafe"):
        options["storage_state"] = cafe.organiser_state
    if view.endswith("-de"):
        options["locale"] = "de-DE"
    page = _new_page(browser, viewport, **options)
    try:
        target = {
            "start": url + "/",
            "join": links["join_url"],
            "phone-lobby": links["join_url"],
            "phone-round": links["join_url"],
            "phone-round-de": links["join_url"],
            "host": links["host_url"],
            "projector": links["projector_url"],
            "projector-contrast": links["projector_url"],
            "projector-harvest": str(links["projector_url"]).replace("?", "/harvest?", 1)
            if "?" in str(links["projector_url"])
            else str(links["projector_url"]).rstrip("/") + "/harvest",
            "login": url + "/organiser/login",
            "dashboard": url + "/organiser/",
            "new-cafe": url + "/organiser/new",
            "organiser-cafe": organiser_url,
            "organiser-harvest": organiser_url.rstrip("/") + "/harvest",
            "organiser-privacy": organiser_url.rstrip("/") + "/privacy",
            "not-found": url + "/j/no-such-code",
        }[view]
        response = page.goto(str(target))
        assert response is not None
        assert response.status == (404 if view == "not-found" else 200), (view, response.url)
        if view == "phone-lobby":
            page.get_by_label("Your name").fill("Late Lu")
            page.get_by_role("button", name="Join").click()
            expect(page.locator("h1.table-heading")).to_be_visible()
        if view.startswith("phone-round"):
            expect(page.locator("#table-notes .note").first).to_be_visible()
            _live(page)
        if view.startswith("phone-round-de"):
            expect(page.locator("html")).to_have_attribute("lang", "de")
            expect(page.get_by_role("list", name="Notizen des Tisches")).to_be_visible()
        if view in ("host", "projector", "projector-contrast"):
            _live(page)
        if view == "projector-contrast":
            page.get_by_role("button", name="High contrast").click()
            expect(page.locator("body")).to_have_class(re.compile("high-contrast"))
            colours = page.locator("#language-select").evaluate(
                "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
            )
            assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"], colours
        _check(page, f"{view} at {viewport['width']}x{viewport['height']}")
        if viewport["width"] < TABLET["width"]:
            _no_horizontal_scroll(page, view)
    finally:
        page.context.close()


def test_the_account_setup_page_has_no_serious_violation(cafe: Cafe) -> None:
    assert not cafe.setup_violations, cafe.setup_violations


def test_the_phone_announces_notes_from_others_politely(browser: Any, cafe: Cafe) -> None:
    page = _new_page(browser, PHONE, storage_state=cafe.phone_state)
    mate = _new_page(browser, PHONE, storage_state=cafe.mate_state)
    try:
        page.goto(str(cafe.links["join_url"]))
        mate.goto(str(cafe.links["join_url"]))
        _live(page)
        _live(mate)
        region = page.locator("[data-note-announce]")
        expect(region).to_have_attribute("aria-live", "polite")
        expect(region).to_have_text("")
        # The timer's live region speaks the minutes, not every second.
        expect(page.locator("[data-timer-announce]")).to_have_text(
            re.compile(r"^\d+ minutes? left$")
        )
        mate.get_by_label("Your note").fill("Shade for the playground")
        mate.get_by_role("button", name="Add note").click()
        expect(region).to_have_text("New note: Shade for the playground")
        # Your own notes are not read back to you.
        page.get_by_label("Your note").fill("Water fountains")
        page.get_by_role("button", name="Add note").click()
        expect(mate.locator("[data-note-announce]")).to_have_text("New note: Water fountains")
        page.wait_for_timeout(1300)
        expect(region).to_have_text("New note: Shade for the playground")
    finally:
        page.context.close()
        mate.context.close()


def test_the_ending_soon_pulse_respects_reduced_motion(browser: Any, cafe: Cafe) -> None:
    animations = {}
    for motion in ("no-preference", "reduce"):
        page = _new_page(browser, PHONE, reduced_motion=motion)
        try:
            page.goto(cafe.server.url + "/")
            animations[motion] = page.evaluate(
                """() => {
                  const box = document.createElement("div");
                  box.className = "timer-box ending-soon";
                  document.body.appendChild(box);
                  return getComputedStyle(box).animationName;
                }"""
            )
        finally:
            page.context.close()
    assert animations == {"no-preference": "pulse", "reduce": "none"}
