"""The projector: the join QR code (decoded and compared), title, questions and join count."""

from __future__ import annotations

import io
from typing import Any

import segno
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.factories import join


def test_the_projector_shows_title_question_and_qr_code(
    client: FlaskClient, cafe: dict[str, Any]
) -> None:
    html = client.get(str(cafe["projector_url"])).get_data(as_text=True)
    assert 'alt="QR code to join"' in html
    assert "Leipzig Digital City" in html
    assert "How to involve everyone?" in html
    assert f"/j/{cafe['join_code']}" in html.replace("<wbr>", "")  # breaks after each /


def test_the_qr_code_decodes_to_the_join_url(client: FlaskClient, cafe: dict[str, Any]) -> None:
    join_url = f"http://localhost/j/{cafe['join_code']}"
    png = client.get(f"/qr/{cafe['join_code']}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data)).convert("L")
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == [join_url]
    svg = client.get(f"/qr/{cafe['join_code']}.svg")
    expected = io.BytesIO()
    segno.make(join_url, error="m", micro=False).save(
        expected, kind="svg", scale=10, border=4, dark="#111111", light="#ffffff", xmldecl=False
    )
    assert svg.data == expected.getvalue()


def test_the_join_count_follows_joins(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    join(app, cafe, "Ada")
    join(app, cafe, "Grace")
    html = client.get(str(cafe["projector_url"])).get_data(as_text=True)
    assert "2 people here" in html


def test_the_projector_link_is_secret(client: FlaskClient, cafe: dict[str, Any]) -> None:
    assert client.get(str(cafe["projector_url"]) + "x").status_code == 404
    assert client.get(f"/projector/{cafe['cafe_id']}/").status_code == 404
