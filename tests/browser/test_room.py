"""A whole three-round café in Chromium, as the room lives it: host tools that arrive live,
the between-rounds card in view, moderation, broadcast, confirmations and the end."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PROJECTOR, TABLET
from tests.live_server import LiveServer

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
PORTRAIT = {"width": 768, "height": 1024}
CAFE = {
    "title": "Room café",
    "language": "en",
    "rounds": 3,
    "round_minutes": 20,
    "table_capacity": 4,
    "themes": [
        {"name": "Participation", "tables": 2, "questions": ["Who is missing?"]},
        {"name": "Investment", "tables": 1, "questions": ["Where to invest?"]},
    ],
}
HEADING = re.compile(r"Table (\d) · (Participation|Investment)")


def axe_violations(page: Any) -> list[str]:
    """Every axe-core violation on the page, whatever its impact."""
    page.add_script_tag(content=AXE)
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return [f"{v['id']} at {v['nodes']}" for v in found]


def _table(page: Any) -> int:
    match = HEADING.search(page.locator("h1.table-heading").inner_text())
    assert match, page.locator("h1.table-heading").inner_text()
    return int(match.group(1))


def _manage(host: Any, person: str, table: str, action: str) -> None:
    panel = host.locator("details.manage")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    host.get_by_label("Person").select_option(label=person)
    host.get_by_label("Table", exact=True).select_option(label=table)
    host.get_by_role("button", name=action).click()


def _end_round(host: Any) -> None:
    host.get_by_role("button", name="End round", exact=True).click()
    dialog = host.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="End round now").click()
    expect(dialog).to_be_hidden()


def _write(page: Any, text: str) -> None:
    page.get_by_label("Your note").fill(text)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".note", has_text=text)).not_to_have_class(re.compile("pending"))


def test_a_three_round_cafe_in_the_room(server: LiveServer, open_page: Any) -> None:
    links = server.create_cafe(CAFE)
    host = open_page(links["host_url"], TABLET, bypass_csp=True)
    projector = open_page(links["projector_url"], PROJECTOR, bypass_csp=True)
    expect(projector.locator(".join-code .code")).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    names = [f"Guest {i}" for i in range(7)]
    phones: dict[str, Any] = {}
    for name in names:
        page = open_page(links["join_url"], PHONE, bypass_csp=True)
        page.get_by_label("Your name").fill(name)
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Welcome to the lobby")).to_be_visible()
        phones[name] = page
    dialogs: list[str] = []
    for page in phones.values():
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    expect(host.locator("[data-joined]")).to_have_text("7")
    # In the lobby the note box is not offered (notes could not be stored yet).
    expect(phones["Guest 1"].get_by_label("Your note")).to_be_hidden()

    # A table host marked in the lobby is told so at once, without a reload.
    _manage(host, "Guest 0", "Table 1 · Participation", "Make table host")
    expect(phones["Guest 0"].get_by_role("heading", name="You host Table 1")).to_be_visible()
    expect(phones["Guest 0"].get_by_role("status").filter(has_text="stay here")).to_be_visible()
    expect(phones["Guest 1"].get_by_role("heading", name="You host Table 1")).to_have_count(0)
    # The manage panel stays open after an action (also once htmx has settled the console and
    # the live people refresh has come); the people filter narrows the list.
    host.wait_for_timeout(1500)
    assert host.locator("details.manage").get_attribute("open") is not None

    host.get_by_role("button", name="Start round").click()
    for page in phones.values():
        expect(page.locator("h1.table-heading")).to_have_text(HEADING)
    tables = {name: _table(page) for name, page in phones.items()}
    assert tables["Guest 0"] == 1
    expect(phones["Guest 1"].get_by_label("Your note")).to_be_visible()

    # Notes at table 1; the host's phone has Key insight on them, a guest's has not.
    at_one = [n for n in names if tables[n] == 1 and n != "Guest 0"]
    writer = phones[at_one[0]]
    _write(writer, "Free public wifi in every library")
    _write(writer, "Neighbourhood budgets decided by lot")
    table_host = phones["Guest 0"]
    wifi_on_host = table_host.locator(".note", has_text="Free public wifi")
    expect(wifi_on_host.get_by_role("button", name="Key insight")).to_be_visible()
    expect(
        writer.locator(".note", has_text="Free public wifi").get_by_role(
            "button", name="Key insight"
        )
    ).to_be_hidden()

    # Someone becomes a table host mid-round: the tools arrive live, without a reload.
    other_table = next(t for t in (2, 3) if any(tables[n] == t for n in names))
    newcomer_name = next(n for n in names if tables[n] == other_table)
    newcomer = phones[newcomer_name]
    newcomer.evaluate("window.roomMarker = 1")
    _write(newcomer, "Open data for every bus line")
    theme = "Participation" if other_table == 2 else "Investment"
    _manage(host, newcomer_name, f"Table {other_table} · {theme}", "Make table host")
    expect(newcomer.get_by_role("heading", name=f"You host Table {other_table}")).to_be_visible()
    expect(
        newcomer.locator(".note", has_text="Open data").get_by_role("button", name="Key insight")
    ).to_be_visible()
    assert newcomer.evaluate("window.roomMarker") == 1  # no reload happened

    # Votes and carries show and announce their state.
    mate = phones[at_one[1]]
    vote = mate.locator(".note", has_text="Free public wifi").get_by_role(
        "button", name="Vote for this note"
    )
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(mate.locator("[data-note-announce]")).to_have_text("You voted for this note.")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "false")
    carry = mate.locator(".note", has_text="Neighbourhood").get_by_role(
        "button", name="Take to my next table"
    )
    carry.click()
    expect(carry).to_have_attribute("aria-pressed", "true")

    # Editing happens in place, without the browser's prompt().
    own = writer.locator(".note", has_text="Neighbourhood budgets")
    own.get_by_role("button", name="Edit").click()
    writer.get_by_role("textbox", name="Edit your note").fill("Neighbourhood budgets, by lot")
    writer.get_by_role("button", name="Save").click()
    expect(mate.get_by_role("list", name="Table notes")).to_contain_text("budgets, by lot")

    # Live moderation from the host console reaches the projector and the phones.
    expect(projector.locator("#wall")).to_contain_text("Free public wifi")
    # The projector never scrolls: the whole screen fits in its 1080 px.
    assert projector.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    host_note = host.locator("#console .note", has_text="Free public wifi")
    host_note.get_by_role("button", name="Hide note").click()
    expect(projector.locator("#wall")).not_to_contain_text("Free public wifi")
    expect(mate.get_by_role("list", name="Table notes")).not_to_contain_text("Free public wifi")
    expect(host_note.get_by_role("button", name="Show note")).to_be_visible()
    assert axe_violations(host) == []
    host_note.get_by_role("button", name="Show note").click()
    expect(projector.locator("#wall")).to_contain_text("Free public wifi")
    expect(mate.get_by_role("list", name="Table notes")).to_contain_text("Free public wifi")
    mate.reload()
    expect(mate.get_by_role("list", name="Table notes")).to_contain_text("Free public wifi")

    # The broadcast can be cleared.
    host.get_by_role("textbox", name="Message to everyone").fill("Coffee in the foyer")
    host.get_by_role("button", name="Send").click()
    expect(mate.locator("#broadcast")).to_contain_text("Coffee in the foyer")
    expect(host.get_by_role("textbox", name="Message to everyone")).to_have_value("")
    host.get_by_role("button", name="Clear message").click()
    expect(mate.locator("#broadcast")).not_to_contain_text("Coffee")
    expect(projector.locator("#broadcast")).not_to_contain_text("Coffee")

    # End of round 1, asked first: every phone's card comes into view wherever it scrolled to.
    for page in phones.values():
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    _end_round(host)
    for name, page in phones.items():
        card = page.get_by_role("dialog", name="Next table")
        expect(card).to_be_visible()
        expect(card).to_be_in_viewport()
        expect(card).to_be_focused()
        if name in ("Guest 0", newcomer_name):
            expect(card).to_contain_text(re.compile(r"Stay at Table \d"))
        else:
            expect(card).to_contain_text(HEADING)
    expect(projector.get_by_role("heading", name=re.compile("where to go"))).to_be_visible()
    assert axe_violations(phones["Guest 2"]) == []
    phones["Guest 2"].set_viewport_size(TABLET)
    expect(phones["Guest 2"].get_by_role("dialog", name="Next table")).to_be_in_viewport()
    assert axe_violations(phones["Guest 2"]) == []
    phones["Guest 2"].get_by_role("button", name="OK").click()
    expect(phones["Guest 2"].get_by_role("dialog", name="Next table")).to_be_hidden()

    # Round 2: a move is pushed with a word, and the tablemates' lists follow.
    host.get_by_role("button", name="Start round").click()
    # A round starts once its seating is planned: PLAN_SECONDS, longer on a busy machine.
    for page in phones.values():
        expect(page.locator(".round-label")).to_contain_text("Round 2 of 3", timeout=15_000)
    tables = {name: _table(page) for name, page in phones.items()}
    mover = next(n for n in names if n not in ("Guest 0", newcomer_name))
    target = next(t for t in (1, 2, 3) if t != tables[mover])
    theme = "Investment" if target == 3 else "Participation"
    _manage(host, mover, f"Table {target} · {theme}", "Move to this table now")
    expect(phones[mover].locator("h1.table-heading")).to_contain_text(f"Table {target}")
    expect(phones[mover].get_by_role("status").filter(has_text="moved you")).to_be_visible()
    mate_there = next(n for n in names if tables[n] == target and n != mover)
    expect(phones[mate_there].locator(".people")).to_contain_text(mover)
    # A late joiner appears in the lists of the table they are given.
    late = open_page(links["join_url"], PHONE, bypass_csp=True)
    late.get_by_label("Your name").fill("Latecomer")
    late.get_by_role("button", name="Join").click()
    expect(late.locator("h1.table-heading")).to_have_text(HEADING)
    late_table = _table(late)
    someone = next(n for n in names if n != mover and tables[n] == late_table)
    expect(phones[someone].locator(".people")).to_contain_text("Latecomer")

    # Joining can be closed: the join page says so and offers no form; then it opens again.
    host.get_by_role("button", name="Close joining").click()
    expect(host.get_by_role("button", name="Open joining")).to_be_visible()
    shut = open_page(links["join_url"], PHONE, bypass_csp=True)
    expect(shut.get_by_role("alert")).to_contain_text("not taking new participants")
    expect(shut.get_by_role("button", name="Join")).to_have_count(0)
    assert axe_violations(shut) == []
    host.get_by_role("button", name="Open joining").click()
    expect(host.get_by_role("button", name="Close joining")).to_be_visible()

    # Leaving asks first and says goodbye.
    late.get_by_role("button", name="Leave the café").click()
    leave = late.get_by_role("dialog", name="Leave the café?")
    expect(leave).to_be_visible()
    leave.get_by_role("button", name="Leave now").click()
    expect(late.get_by_role("heading", name="Goodbye, Latecomer")).to_be_visible()
    assert axe_violations(late) == []

    _end_round(host)
    host.get_by_role("button", name="Start round").click()
    for page in phones.values():
        expect(page.locator(".round-label")).to_contain_text("Round 3 of 3", timeout=15_000)
    _end_round(host)

    # After the last round: a thank-you on every phone and the projector's end state.
    for page in phones.values():
        card = page.get_by_role("dialog", name="Next table")
        expect(card.get_by_role("heading", name="Thank you")).to_be_visible()
        expect(card).to_be_in_viewport()
    expect(projector.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(projector.get_by_role("img", name="QR code to join")).to_be_hidden()
    expect(projector.locator("[data-timer-announce]")).to_have_text("")
    assert axe_violations(phones["Guest 3"]) == []
    assert axe_violations(projector) == []
    host.set_viewport_size(PORTRAIT)
    # In portrait the tables come before the people list, above the fold.
    first_table = host.locator(".table-card").first.bounding_box()
    assert first_table is not None and first_table["y"] < PORTRAIT["height"]
    assert axe_violations(host) == []
    host.get_by_role("button", name="Show the harvest on the projector").click()
    # The harvest runs the synthesis when the page loads: give it the time it takes.
    expect(projector).to_have_url(re.compile(r"/harvest$"), timeout=60_000)
    expect(projector.get_by_role("heading", name="What we harvested")).to_be_visible()

    # The organiser publishes the tables' summaries: each thank-you card links its table's,
    # live on the phones already there and after a reload.
    reader, reloaded = phones["Guest 3"], phones["Guest 1"]
    number = _table(reader)
    organiser = open_page(f"{links['organiser_url']}/harvest", TABLET, bypass_csp=True)
    organiser.get_by_role("button", name="Publish the summaries").click(timeout=60_000)
    expect(organiser.get_by_role("button", name="Withdraw the summaries")).to_be_visible(
        timeout=60_000
    )
    card = reader.get_by_role("dialog", name="Next table")
    link = card.get_by_role("link", name=f"Read the summary of Table {number}")
    expect(link).to_be_visible()
    expect(card).to_be_in_viewport()
    assert axe_violations(reader) == []
    reloaded.reload()
    expect(
        reloaded.get_by_role("dialog", name="Next table").get_by_role(
            "link", name=f"Read the summary of Table {_table(reloaded)}"
        )
    ).to_be_visible()
    link.click()
    expect(reader.get_by_role("heading", name=f"Summary of table {number}")).to_be_visible(
        timeout=60_000
    )
    assert axe_violations(reader) == []
    assert dialogs == []
