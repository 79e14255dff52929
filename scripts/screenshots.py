"""Screenshots of the phone, the host console and the projector in English and German.

Starts a server with the demo café, seats a few people, runs a round with notes (the host hides
one), photographs the round, then the between-rounds card, and after the last round (the
organiser having published the tables' summaries) the phone's thank-you with the link to its
table's summary and the projector's end state. Saves PNGs to docs/screenshots/. Uses Debian's
Chromium (apt-get install chromium); downloads nothing.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.live_server import LiveServer  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MAX_BYTES = 300_000
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
PEOPLE = ["Amara", "Jonas", "Lucía", "Marek", "Chiara", "Sophie", "Tom", "Yusuf", "Lena"]
NOTES = [
    "Citizens' panel with a real budget, drawn by lot",
    "Evening meetings with childcare, not at 10 in the morning",
    "Publish every decision with the reasons in plain language",
    "Bürgerhaushalt für jedes Viertel",
    "Ask the teenagers where they meet, then build it there",
    "Fix the cycle lanes before building new ones",
]


def save(page: Any, name: str) -> None:
    """A PNG of the viewport, palette-reduced when it would be bigger than MAX_BYTES."""
    png = page.screenshot(type="png")
    if len(png) > MAX_BYTES:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        buffer = io.BytesIO()
        image.quantize(colors=128, dither=Image.Dither.NONE).save(
            buffer, format="PNG", optimize=True
        )
        png = buffer.getvalue()
    (OUT / f"{name}.png").write_bytes(png)
    print(f"{name}.png  {len(png) // 1024} KB")


def main() -> int:
    """Run the demo café and take the pictures."""
    if not Path(CHROMIUM).exists():
        print("Chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder)).start()
        try:
            links = json.loads(server.cli("demo", "--json"))
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                try:
                    shoot(browser, links)
                finally:
                    browser.close()
        finally:
            server.stop()
    return 0


def shoot(browser: Any, links: dict[str, Any]) -> None:
    """Seat people, run a round with notes, and photograph each view in each language."""
    phones = []
    for name in PEOPLE:
        context = browser.new_context(viewport=PHONE, locale="en-GB")
        page = context.new_page()
        page.goto(links["join_url"])
        page.get_by_label("Your name").fill(name)
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Welcome to the lobby")).to_be_visible()
        phones.append(page)
    host = browser.new_page(viewport=TABLET, locale="en-GB")
    host.goto(links["host_url"])
    host.get_by_role("button", name="Start round").click()
    for page in phones:
        expect(page.locator("h1.table-heading")).to_contain_text("·")
    by_table: dict[str, list[Any]] = {}
    for page in phones:
        by_table.setdefault(page.locator("h1.table-heading").inner_text(), []).append(page)
    busiest = max(by_table.values(), key=len)
    writers = busiest + [p for p in phones if p not in busiest]
    for page, text in zip(writers, NOTES, strict=False):
        page.get_by_label("Your note").fill(text)
        page.get_by_role("button", name="Add note").click()
        expect(page.locator(".note", has_text=text)).not_to_have_class("note pending")
    # The host hides one note: the console keeps it, marked, with "Show note".
    hidden = host.locator("#console .note", has_text=NOTES[-1])
    hidden.get_by_role("button", name="Hide note").click()
    expect(hidden.get_by_role("button", name="Show note")).to_be_visible()
    phone_url = busiest[0].url.split("?")[0]
    phone_state = busiest[0].context.storage_state()
    host_sessions = host.context.storage_state()
    views = [
        ("phone", PHONE, phone_url, {"storage_state": phone_state}),
        ("host", TABLET, links["host_url"], {}),
        ("projector", PROJECTOR, links["projector_url"], {}),
    ]
    shoot_views(browser, views)

    end_round(host)
    shoot_views(
        browser, [("phone-card", PHONE, phone_url, {"storage_state": phone_state})], scroll=True
    )
    for _ in range(2):
        host.get_by_role("button", name="Start round").click()
        expect(host.get_by_role("heading", name=re.compile("running"))).to_be_visible()
        end_round(host)
    # The organiser publishes the tables' summaries: the thank-you links the table's summary.
    organiser = browser.new_page(viewport=TABLET, locale="en-GB")
    organiser.goto(f"{links['organiser_url']}/harvest")
    organiser.get_by_role("button", name="Publish the summaries").click(timeout=60_000)
    expect(organiser.get_by_role("button", name="Withdraw the summaries")).to_be_visible(
        timeout=60_000
    )
    organiser.context.close()
    shoot_views(
        browser,
        [
            ("phone-thanks", PHONE, phone_url, {"storage_state": phone_state}),
            ("projector-end", PROJECTOR, links["projector_url"], {}),
            ("host-end", TABLET, links["host_url"], {"storage_state": host_sessions}),
        ],
    )
    for context in {p.context for p in phones}:
        context.close()
    host.context.close()


def end_round(host: Any) -> None:
    """End Round now, through the confirmation the console asks for."""
    host.get_by_role("button", name="End round", exact=True).click()
    host.get_by_role("dialog").get_by_role("button", name="End round now").click()
    expect(host.get_by_role("heading", name=re.compile("ended"))).to_be_visible()


def shoot_views(browser: Any, views: list[Any], *, scroll: bool = False) -> None:
    """Each view in English and German, in a fresh browser context."""
    for lang in ("en", "de"):
        for name, viewport, url, options in views:
            context = browser.new_context(viewport=viewport, locale=lang, **options)
            page = context.new_page()
            separator = "&" if "?" in url else "?"
            page.goto(f"{url}{separator}lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.locator("[data-connection]")).not_to_have_class("connection offline")
            if scroll:
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_timeout(900)
            save(page, f"{name}-{lang}")
            context.close()


if __name__ == "__main__":
    raise SystemExit(main())
