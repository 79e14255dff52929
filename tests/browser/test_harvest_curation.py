"""In Chromium: the organiser curates a theme (a merge across its tables, a key point) and the
projector's harvest view and the downloaded documents follow."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
from playwright.sync_api import expect

from tests.browser.conftest import PROJECTOR, TABLET
from tests.live_server import LiveServer

NOTES = {
    "1": [
        "Plant more trees along the river",
        "More trees by the river for shade",
        "Trees and shade along the river walk",
    ],
    "2": [
        "Night buses every half hour",
        "Night buses on weekends too",
        "Longer library opening hours",
        "Library open on Sundays",
    ],
}


def _download(page: Any, fmt: str) -> bytes:
    page.get_by_label("Format").select_option(fmt)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download", exact=True).click()
    assert download.value.suggested_filename == f"café-rivière-harvest.{fmt}"
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        return handle.read()


def test_curation_across_tables_reaches_projector_and_documents(
    server: LiveServer, open_page: Any
) -> None:
    links = server.create_cafe(
        {
            "title": "Café Rivière",
            "language": "en",
            "rounds": 1,
            "round_minutes": 10,
            "table_capacity": 3,
            "themes": [
                {"name": "Streets", "tables": 2, "questions": ["What would make town better?"]}
            ],
        }
    )
    host = open_page(links["host_url"], TABLET)
    phones = []
    for name in ("Ada", "Bo", "Cy", "Di"):
        phone = open_page(links["join_url"])
        phone.locator("#name").fill(name)
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("h1.table-heading")).to_be_visible()
        phones.append(phone)
    host.get_by_role("button", name="Start round").click()
    written: dict[str, int] = {"1": 0, "2": 0}
    for phone in phones:
        expect(phone.locator("h1.table-heading")).to_have_text(re.compile(r"Table [12] · "))
        table = re.search(r"Table (\d)", phone.locator("h1.table-heading").inner_text())
        assert table is not None
        number = table.group(1)
        for text in NOTES[number][written[number] :: 2]:
            phone.locator("#note-text").fill(text)
            phone.locator("[data-note-form] button[type=submit]").click()
            expect(phone.get_by_role("list", name="Table notes")).to_contain_text(text)
        written[number] += 1
    host.get_by_role("button", name="End round", exact=True).click()
    host.get_by_role("dialog").get_by_role("button", name="End round now").click()

    # The first harvest loads the synthesis into the server: slow on a busy machine.
    organiser = open_page(links["organiser_url"], TABLET)
    organiser.set_default_timeout(30_000)
    organiser.goto(links["organiser_url"] + "/harvest", timeout=90_000)
    projector = open_page(links["projector_url"], PROJECTOR)
    projector.set_default_timeout(30_000)
    projector.goto(links["projector_url"] + "/harvest")
    expect(projector.locator("li.harvest-point").first).to_be_visible()
    points = organiser.locator("ol.theme-points > li.point")
    before = points.count()
    assert before >= 2

    # Merge a cluster of table 2 into one of table 1: one point, two tables.
    table_one = organiser.locator("section.table-harvest").filter(
        has=organiser.get_by_role("heading", name=re.compile(r"^Table 1 ·"))
    )
    merge = table_one.locator("article.cluster").first.locator("select[name=note_ids]")
    other = merge.locator("optgroup[label='Table 2'] option").first.get_attribute("value")
    merge.select_option(value=other)
    table_one.locator("article.cluster").first.get_by_role("button", name="Merge").click()
    expect(points).to_have_count(before - 1)
    expect(points.filter(has_text="2 tables")).to_have_count(1)
    merged_title = points.filter(has_text="2 tables").locator("strong").inner_text()

    # Mark the weakest point as key: it is pinned first everywhere.
    last = points.last
    key_title = last.locator("strong").inner_text()
    assert key_title != merged_title
    last.get_by_role("button", name=re.compile("^Mark as key")).click()
    expect(points.first.locator("strong")).to_have_text(key_title)
    expect(points.first).to_have_class(re.compile("key"))
    expect(projector.locator("li.harvest-point").first).to_contain_text(key_title)
    expect(projector.locator("li.harvest-point").first.locator(".badge")).to_be_visible()

    markdown = _download(organiser, "md").decode("utf-8")
    ranked = re.findall(r"^#### (\d+)\\\. (.+?)( ★)?$", markdown, flags=re.MULTILINE)
    assert ranked[0][0] == "1" and ranked[0][2] == " ★"
    assert "Tables 1, 2" in markdown
    pdf = pypdf.PdfReader(io.BytesIO(_download(organiser, "pdf")))
    pages = [page.extract_text() for page in pdf.pages]
    assert "Contents" in pages[1]
    summary = next(t for t in pages if "Summary points" in t and "Support" in t)
    assert summary.index(key_title) < summary.index(merged_title)
    assert "Key point" in summary and "Tables 1, 2" in summary
