"""Phones in several languages in one café: the browser's language, the café's offer, the switch."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import TABLET
from tests.browser.test_accessibility import create_cafes
from tests.live_server import LiveServer

# A screen in another language than the sender's fetches its own copy of a live fragment after a
# short, spread-out delay.
SETTLE = 10_000

CAFE = {
    "title": "Café der Sprachen",
    "language": "en",
    "rounds": 1,
    "round_minutes": 15,
    "themes": [{"name": "Mobility", "tables": 1, "questions": ["How do we get around?"]}],
}


def test_each_phone_speaks_its_browsers_language_live(server: LiveServer, open_page: Any) -> None:
    (links,) = create_cafes(server, CAFE)
    german = open_page(links["join_url"], locale="de-DE")
    french = open_page(links["join_url"], locale="fr-FR")
    expect(german.locator("html")).to_have_attribute("lang", "de")
    expect(french.locator("html")).to_have_attribute("lang", "fr")
    german.get_by_label("Dein Name").fill("Grete")
    german.get_by_role("button", name="Beitreten").click()
    french.get_by_label("Votre nom").fill("Fanny")
    french.get_by_role("button", name="Rejoindre").click()
    expect(german.get_by_role("heading", name="Willkommen in der Lobby")).to_be_visible()
    expect(french.get_by_role("heading", name="Bienvenue dans l'accueil")).to_be_visible()

    # The host works in English; each phone still gets its table in its own language.
    host = open_page(links["host_url"], TABLET)
    expect(host.locator("html")).to_have_attribute("lang", "en")
    host.get_by_role("button", name="Start round").click()
    expect(german.get_by_role("heading", name="Tisch 1 · Mobility")).to_be_visible(timeout=SETTLE)
    expect(french.get_by_role("heading", name="Table 1 · Mobility")).to_be_visible(timeout=SETTLE)
    expect(german.locator(".round-label")).to_have_text("Runde 1 von 1")
    expect(french.locator(".round-label")).to_have_text("Tour 1 sur 1")
    expect(german.get_by_role("status").filter(has_text="Live")).to_be_visible()
    expect(french.get_by_role("status").filter(has_text="En direct")).to_be_visible()
    expect(german.locator("[data-timer-announce]")).to_have_text(
        re.compile(r"^noch 1[45] Minuten$")
    )

    # A note from the French phone reaches the German one with German controls.
    french.get_by_label("Votre note").fill("Plus de pistes cyclables")
    french.get_by_role("button", name="Ajouter la note").click()
    notes = german.get_by_role("list", name="Notizen des Tisches")
    expect(notes).to_contain_text("Plus de pistes cyclables")
    expect(notes.get_by_role("button", name="Für diese Notiz stimmen").first).to_be_visible(
        timeout=SETTLE
    )
    expect(german.locator("[data-note-announce]")).to_have_text(
        "Neue Notiz: Plus de pistes cyclables"
    )

    # A note over the limit is refused in the phone's language.
    french.get_by_label("Votre note").fill("x" * 600)
    french.get_by_role("button", name="Ajouter la note").click()
    expect(french.get_by_role("alert").filter(has_text="trop longue")).to_be_visible()


def test_the_switch_changes_the_language_and_remembers_it(
    server: LiveServer, open_page: Any
) -> None:
    (links,) = create_cafes(server, CAFE)
    page = open_page(links["join_url"], locale="fr-FR")
    switch = page.get_by_role("combobox", name="Langue", exact=True)
    expect(switch).to_have_value("fr")
    assert switch.locator("option").count() == 6
    switch.select_option("pl")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_label("Twoje imię")).to_be_visible()
    page.goto(links["join_url"])
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.get_by_label("Twoje imię").fill("Piotr")
    page.get_by_role("button", name="Dołącz").click()
    expect(page.get_by_role("heading", name="Witamy w poczekalni")).to_be_visible()
    # The switch applies a pick once the page's script runs (it hides the switch's button).
    expect(page.locator("[data-hide-with-js]").first).to_be_hidden()
    page.get_by_role("combobox", name="Język", exact=True).select_option("en")
    expect(page.get_by_role("heading", name="Welcome to the lobby")).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Arrow keys step through the languages without leaving the page; Enter applies the choice.
    switch = page.get_by_role("combobox", name="Language", exact=True)
    switch.focus()
    switch.press("ArrowDown")
    expect(switch).to_have_value("de")
    expect(page.get_by_role("button", name="Change")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Willkommen in der Lobby")).to_be_visible()


def test_a_cafe_offering_english_and_german_gives_a_french_browser_the_cafes_language(
    server: LiveServer, open_page: Any
) -> None:
    german_cafe, english_cafe = create_cafes(
        server,
        {**CAFE, "language": "de", "languages": ["en", "de"]},
        {**CAFE, "language": "en", "languages": ["en", "de"]},
    )
    page = open_page(german_cafe["join_url"], locale="fr-FR")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    switch = page.get_by_role("combobox", name="Sprache", exact=True)
    expect(switch.locator("option")).to_have_text(["English", "Deutsch"])
    # A language the café does not offer cannot be forced through the address either.
    page.goto(german_cafe["join_url"] + "?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(english_cafe["join_url"])
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Pages without a café offer every language.
    page.goto(server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("combobox", name="Langue", exact=True).locator("option")).to_have_count(
        6
    )
