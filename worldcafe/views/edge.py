"""Shared steps of every handler: the base URL, htmx detection, redirects after a change."""

from __future__ import annotations

from flask import current_app, request

from worldcafe.links import cafe_links
from worldcafe.models import Cafe


def base_url() -> str:
    """The public URL: WORLDCAFE_BASE_URL, else the one this request came in on."""
    configured = current_app.config.get("BASE_URL")
    return str(configured or request.host_url).rstrip("/")


def links_for(cafe: Cafe) -> dict[str, object]:
    """The café's links as this server is reached."""
    return cafe_links(cafe, base_url())


def is_htmx() -> bool:
    """Whether htmx sent this request (it then wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"
