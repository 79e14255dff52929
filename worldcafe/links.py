"""The café's public and secret links, absolute, from the base URL."""

from __future__ import annotations

import hashlib
import hmac

from worldcafe.models import Cafe

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def same_secret(held: str | None, current: str | None) -> bool:
    """Whether a secret someone holds (a link's, a resume token) is the current one.

    Compared in constant time, so that the time taken tells nothing about the secret.
    """
    return (
        held is not None
        and current is not None
        and hmac.compare_digest(held.encode(), current.encode())
    )


def join_path(cafe: Cafe) -> str:
    return f"/j/{cafe.join_code}"


def host_path(cafe: Cafe) -> str:
    return f"/host/{cafe.id}/{cafe.host_secret}"


def projector_path(cafe: Cafe) -> str:
    return f"/projector/{cafe.id}/{cafe.projector_secret}"


def organiser_path(cafe: Cafe) -> str:
    return f"/organiser/cafe/{cafe.id}/{cafe.organiser_secret}"


def cafe_links(cafe: Cafe, base_url: str | None) -> dict[str, object]:
    """The five values of `create-cafe --json`: the café id and its four links."""
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    return {
        "cafe_id": cafe.id,
        "join_url": base + join_path(cafe),
        "host_url": base + host_path(cafe),
        "projector_url": base + projector_path(cafe),
        "organiser_url": base + organiser_path(cafe),
    }


def setup_token(secret_key: str) -> str:
    """The one-time link token for creating the first organiser account."""
    return hmac.new(secret_key.encode(), b"organiser-setup", hashlib.sha256).hexdigest()[:32]
