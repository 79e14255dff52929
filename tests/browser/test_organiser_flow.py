"""In Chromium: an organiser sets up a café, the host runs it with every control, the harvest
is curated and downloaded."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PROJECTOR, TABLET
from tests.live_server import LiveServer
from worldcafe.links import setup_token
from worldcafe.settings import read_or_create_secret_key


def _seconds(text: str) -> int:
    minutes, seconds = text.strip().split(":")
    return int(minutes) * 60 + int(seconds)


def test_setup_run_and_harvest_in_the_browser(server: LiveServer, open_page: Any) -> None:
    token = setup_token(read_or_create_secret_key(server.instance))
    organiser = open_page(f"{server.url}/organiser/setup/{token}", TABLET)
    organiser.get_by_label("E-mail").fill("org@example.org")
    organiser.get_by_label(re.compile("Password")).fill("a long enough password")
    organiser.get_by_role("button", name="Create account").click()
    organiser.get_by_role("link", name="New café").first.click()

    organiser.get_by_label("Title").fill("Leipzig browser café")
    organiser.get_by_label("Rounds").fill("2")
    organiser.get_by_label("Minutes per round").fill("10")
    names = ["Mobility", "Energy", "", "", ""]
    for index, name in enumerate(names):
        field = organiser.locator(f"#theme-{index}-name")
        if field.count():
            field.fill(name)
            organiser.locator(f"#theme-{index}-questions").fill(
                f"What would change {name.lower()} here?" if name else ""
            )
            organiser.locator(f"#theme-{index}-tables").fill("1" if name else "")
    organiser.get_by_label("Expected head count").fill("22")
    organiser.get_by_role("button", name=re.compile("Suggest tables")).click()
    suggested = [int(organiser.locator(f"#theme-{i}-tables").input_value()) for i in (0, 1)]
    assert 4 <= sum(suggested) <= 6
    organiser.locator("#theme-0-tables").fill("1")
    organiser.locator("#theme-1-tables").fill("1")
    organiser.get_by_role("button", name="Create café").click()
    expect(organiser.get_by_role("heading", name="Leipzig browser café")).to_be_visible()
    links = {
        key: organiser.locator(f"a[href*='/{path}/']").first.get_attribute("href")
        for key, path in (("join", "j"), ("host", "host"), ("projector", "projector"))
    }
    assert all(links.values()), links

    host = open_page(str(links["host"]), TABLET)
    refused: list[str] = []  # what the page's Content-Security-Policy blocked
    host.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    projector = open_page(str(links["projector"]), PROJECTOR)
    phones = []
    for index, (name, locale) in enumerate(
        [("Ada", "en-GB"), ("Jonas", "de-DE"), ("Chiara", "en-GB"), ("Marek", "de-DE")]
    ):
        page = open_page(str(links["join"]), locale=locale)
        page.locator("#name").fill(name)
        page.locator(
            "form[action$='/j/" + str(links["join"]).rsplit("/", 1)[-1] + "'] button"
        ).click()
        phones.append(page)
        expect(page.locator("h1.table-heading")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == ("de" if index % 2 else "en")
    expect(host.locator("[data-joined]")).to_have_text("4")

    host.get_by_role("button", name="Start round").click()
    for page in phones:
        expect(page.locator("h1.table-heading")).to_have_text(re.compile(r"(Table|Tisch) [12] · "))
    expect(phones[0].get_by_role("timer")).to_have_text(re.compile(r"^(09:5\d|10:00)$"))

    host.get_by_role("button", name="Pause").click()
    expect(phones[0].locator("[data-timer-box]")).to_have_class(re.compile("paused"))
    paused = _seconds(phones[0].get_by_role("timer").inner_text())
    phones[0].wait_for_timeout(1500)
    assert _seconds(phones[0].get_by_role("timer").inner_text()) == paused
    host.get_by_role("button", name="Resume").click()
    expect(phones[0].locator("[data-timer-box]")).not_to_have_class(re.compile("paused"))
    before = _seconds(projector.get_by_role("timer").inner_text())
    host.get_by_role("button", name=re.compile(r"\+5 min")).click()
    expect(projector.get_by_role("timer")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    assert _seconds(projector.get_by_role("timer").inner_text()) > before + 250

    host.get_by_role("textbox", name="Message to everyone").fill("Coffee is ready in the foyer")
    host.get_by_role("button", name="Send").click()
    for screen in (phones[0], phones[1], projector):
        expect(screen.locator("#broadcast")).to_contain_text("Coffee is ready in the foyer")

    # Move Ada to the other table by hand: her phone follows at once.
    heading = phones[0].locator("h1.table-heading").inner_text()
    other_number = "2" if " 1 " in heading + " " else "1"
    host.locator("details.manage summary").click()
    host.locator("#manage-person").select_option(label="Ada")
    option = host.locator("#manage-table option", has_text=f"Table {other_number} ·")
    table_value = option.get_attribute("value")
    host.locator("#manage-table").select_option(value=table_value)
    # A live refresh of the console (here another +5 min) keeps what the host picked.
    host.get_by_role("button", name=re.compile(r"\+5 min")).click()
    expect(projector.get_by_role("timer")).to_have_text(re.compile(r"^(19|20):\d\d$"))
    expect(host.locator("#manage-person option:checked")).to_have_text("Ada")
    expect(host.locator("#manage-table")).to_have_value(str(table_value))
    host.get_by_role("button", name="Move to this table now").click()
    expect(phones[0].locator("h1.table-heading")).to_contain_text(f"Table {other_number}")
    # The console the move re-rendered keeps the panel open, also once htmx has settled it.
    host.wait_for_timeout(300)
    expect(host.locator("#manage-people")).to_have_attribute("open", "")

    for page, text in zip(
        phones,
        [
            "Safe bike lanes to every school",
            "Sichere Radwege zu jeder Schule",
            "Solar roofs on public buildings",
            "Solardächer auf öffentlichen Gebäuden",
        ],
        strict=True,
    ):
        page.locator("#note-text").fill(text)
        page.locator("[data-note-form] button[type=submit]").click()
    expect(host.locator("#console")).to_contain_text("Solardächer")
    host.get_by_role("button", name="End round", exact=True).click()
    host.get_by_role("dialog").get_by_role("button", name="End round now").click()
    expect(host.get_by_role("heading", name=re.compile("ended"))).to_be_visible()
    # Every swap of the console kept to the policy (htmx settles no inline style).
    assert refused == []

    organiser.get_by_role("link", name="Harvest and downloads").click()
    expect(organiser.get_by_role("heading", name=re.compile("Harvest"))).to_be_visible()
    first_label = organiser.locator("article.cluster input[name=label]").first
    first_label.fill("Safe streets for children")
    organiser.locator("article.cluster").first.get_by_role("button", name="Rename").click()
    expect(organiser.locator("article.cluster h4").first).to_contain_text(
        "Safe streets for children"
    )
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK")):
        organiser.get_by_label("Format").select_option(fmt)
        with organiser.expect_download() as download:
            organiser.get_by_role("button", name="Download", exact=True).click()
        path = download.value.path()
        assert path is not None
        with open(path, "rb") as handle:
            assert handle.read(4).startswith(magic)
    harvest_screen = open_page(str(links["projector"]) + "/harvest", PROJECTOR)
    expect(harvest_screen.locator("#harvest")).to_contain_text("Safe streets for children")
