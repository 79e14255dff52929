"""QR codes of join links, drawn on the server (no third-party service sees the link)."""

from __future__ import annotations

import io

import segno


def qr_svg(data: str, *, scale: int = 10, dark: str = "#111111") -> bytes:
    """An SVG QR code with a quiet zone, error correction level M."""
    code = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=scale, border=4, dark=dark, light="#ffffff", xmldecl=False)
    return out.getvalue()


def qr_png(data: str, *, scale: int = 10) -> bytes:
    """A PNG QR code (for print and for decoders that read raster images)."""
    code = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
