"""Questions at the door in Chromium: three phones answer them, the host sees the mix figures,
and a roster's personal QR link joins a fourth person without typing a name."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET
from tests.browser.test_accessibility import _check
from tests.live_server import LiveServer

CAFE = {
    "title": "International café",
    "language": "en",
    "rounds": 2,
    "round_minutes": 20,
    "table_capacity": 3,
    "themes": [
        {"name": "Participation", "tables": 1, "questions": ["Who is missing?"]},
        {"name": "Investment", "tables": 1, "questions": ["Where to invest?"]},
    ],
    "join_fields": [
        {"key": "city", "label": "Your city", "mix": True},
        {"key": "languages", "label": "Languages you speak", "kind": "languages"},
    ],
}
PEOPLE = [
    ("Ada", "Leipzig", ["German", "English"], ""),
    ("Bo", "Leipzig", ["German"], ""),
    ("Cem", "Lyon", [], "French, en"),
]
MIX = re.compile(
    r"Mixing \(Your city\): (\d+) pairs? with the same answer at a table "
    r"\(best possible (\d+)\)\s*·\s*Languages: "
)


def _table(page: Any) -> str:
    return str(page.locator("h1.table-heading").inner_text()).strip()


def _answer(open_page: Any, url: str, name: str, city: str, ticks: list[str], other: str) -> Any:
    page = open_page(url, PHONE, bypass_csp=True)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your city").fill(city)
    spoken = page.get_by_role("group", name="Languages you speak")
    spoken.get_by_label("English", exact=True).uncheck()  # ticked: the page's language
    for language in ticks:
        spoken.get_by_label(language, exact=True).check()
    if other:
        spoken.get_by_label("Other languages (names or codes, separated by commas)").fill(other)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Welcome to the lobby")).to_be_visible()
    return page


def test_three_phones_answer_and_the_host_sees_the_mix_figures(
    server: LiveServer, open_page: Any
) -> None:
    links = server.create_cafe(CAFE)
    door = open_page(links["join_url"], PHONE, bypass_csp=True)
    expect(door.get_by_label("Your city")).to_be_visible()
    expect(door.get_by_role("group", name="Languages you speak")).to_be_visible()
    _check(door, "join page with questions")
    door.context.close()

    phones = [_answer(open_page, links["join_url"], *person) for person in PEOPLE]
    host = open_page(links["host_url"], TABLET, bypass_csp=True)
    expect(host.locator("[data-joined]")).to_have_text("3")
    host.get_by_role("button", name="Start round").click()
    for page in phones:
        expect(page.locator("h1.table-heading")).to_have_text(re.compile(r"Table [12] · "))
    figures = host.locator("[data-plan-mix]")
    expect(figures).to_contain_text(MIX)
    match = MIX.search(figures.inner_text())
    assert match is not None
    conflicts, bound = int(match.group(1)), int(match.group(2))
    assert conflicts >= bound >= 0
    # Ada and Bo (both Leipzig) can sit apart with a shared language at every table:
    # {Ada, Cem} speak English, Bo speaks German. The plan finds that.
    assert (conflicts, bound) == (0, 0)
    expect(figures).to_contain_text("Languages: every table shares one")
    tables = {name: _table(page) for (name, *_), page in zip(PEOPLE, phones, strict=True)}
    assert tables["Ada"] != tables["Bo"]
    _check(host, "host console with mix figures")

    people = open_page(str(links["organiser_url"]) + "/people", TABLET, bypass_csp=True)
    expect(people.get_by_role("table")).to_contain_text("Leipzig")
    expect(people.get_by_role("table")).to_contain_text("fr, en")
    _check(people, "people page")


def test_a_roster_card_joins_without_typing_the_name(server: LiveServer, open_page: Any) -> None:
    links = server.create_cafe(CAFE)
    people = open_page(str(links["organiser_url"]) + "/people", TABLET, bypass_csp=True)
    people.get_by_label("Roster (CSV)").set_input_files(
        files=[
            {
                "name": "roster.csv",
                "mimeType": "text/csv",
                "buffer": b"name;city;languages;table_host\nDee Dee;Graz;de;yes\n",
            }
        ]
    )
    people.get_by_role("button", name="Import roster").click()
    expect(people.get_by_role("status")).to_have_text("1 person registered from the roster.")
    people.get_by_role("link", name="Printable personal QR codes").click()
    expect(people.get_by_role("img", name="Personal QR code of Dee Dee")).to_be_visible()
    _check(people, "personal cards")
    card_url = people.locator(".card-url").inner_text().strip()

    phone = open_page(card_url, PHONE, bypass_csp=True)
    expect(phone.get_by_text("Welcome, Dee Dee!")).to_be_visible()
    _check(phone, "personal link")
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_role("heading", name="Welcome to the lobby")).to_be_visible()
    expect(phone.get_by_text("You are Dee Dee.")).to_be_visible()
    again = open_page(card_url, PHONE, bypass_csp=True)
    expect(again.get_by_role("alert")).to_contain_text("not valid any more")
