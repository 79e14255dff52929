"""Shared steps of every handler: the base URL, htmx detection, redirects after a change."""

from __future__ import annotations

import socket
from contextlib import suppress
from functools import lru_cache

from flask import current_app, request

from worldcafe.links import cafe_links
from worldcafe.models import Cafe


def base_url() -> str:
    """The public URL printed in links and QR codes; never taken from a forged Host header.

    WORLDCAFE_BASE_URL decides it when set. Otherwise the request's host counts only if it
    is one of WORLDCAFE_ALLOWED_HOSTS, or (with no list) one of this machine's own names and
    addresses; any other Host gets the machine's own address instead.
    """
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    allowed = current_app.config.get("ALLOWED_HOSTS") or own_hosts()
    name = host_name(request.host)
    if name in allowed:
        return str(request.host_url).rstrip("/")
    fallback = next((host for host in allowed if host not in ("localhost", "::1")), "127.0.0.1")
    port = request.environ.get("SERVER_PORT") or ""
    default = "443" if request.scheme == "https" else "80"
    shown = f"[{fallback}]" if ":" in fallback else fallback
    return f"{request.scheme}://{shown}" + (f":{port}" if port and port != default else "")


def host_name(host: str) -> str:
    """A Host header's name without its port, in lower case ("[::1]:5000" gives "::1")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@lru_cache(maxsize=1)
def own_hosts() -> tuple[str, ...]:
    """This machine's names and addresses: the hosts a link may name with no list configured."""
    found = ["127.0.0.1", "localhost", "::1"]
    with suppress(OSError):
        name = socket.gethostname()
        found.append(name.lower())
        for info in socket.getaddrinfo(name, None):
            found.append(str(info[4][0]))
    with suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        # Connecting a UDP socket sends nothing; it only picks the outgoing address.
        probe.connect(("192.0.2.1", 9))
        found.insert(0, str(probe.getsockname()[0]))
    return tuple(dict.fromkeys(found))


def links_for(cafe: Cafe) -> dict[str, object]:
    """The café's links as this server is reached."""
    return cafe_links(cafe, base_url())


def short_join_url(links: dict[str, object]) -> str:
    """The join link as printed for people to type: without its scheme."""
    return str(links["join_url"]).split("://", 1)[-1]


def join_site(links: dict[str, object]) -> str:
    """The server's address alone (host and port), as a card or the projector names it."""
    return short_join_url(links).split("/", 1)[0]


def is_htmx() -> bool:
    """Whether htmx sent this request (it then wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"
