"""Small SVG charts made by code (no browser, no plotting library): shares of a budget as horizontal bars.

The SVG is self-contained text, so it goes inline into the HTML annex and WeasyPrint draws it in the PDF.
Labels come from the user's workbook and are XML-escaped; numbers are formatted by the caller (the locale's
format), so the chart shows amounts exactly as the tables beside it do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal


def escape(text: str) -> str:
    """``& < >`` as XML entities (xml.sax.saxutils does the same, but importing it imports urllib and http:
    15 ms of every batch worker's start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PALETTE = ("#003399", "#2f6fb5", "#5b9bd5", "#7fb2e5", "#a9c9ee", "#1b6e3a", "#4c9a68", "#8a5a00")
WIDTH, BAR, GAP, LABEL_W, VALUE_W = 640, 16, 6, 230, 130


def _clip(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(items: Sequence[tuple[str, Decimal | int | float]], *, title: str,
                  fmt: Callable[[Decimal], str] = lambda d: f"{d:,.0f}") -> str:
    """Horizontal bars, one per (label, amount), longest first, each with its amount and share in %."""
    rows = sorted(((label, Decimal(str(v))) for label, v in items), key=lambda kv: -kv[1])
    total = sum((v for _, v in rows), Decimal(0))
    top = max((v for _, v in rows), default=Decimal(0))
    height = 26 + len(rows) * (BAR + GAP)
    span = WIDTH - LABEL_W - VALUE_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
           f"<title>{escape(title)}</title>",
           f'<text x="0" y="14" font-weight="bold" fill="#1d2733">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = 24 + i * (BAR + GAP)
        w = 0 if top <= 0 else float(value / top) * span
        share = 0 if total <= 0 else float(value / total * 100)
        out.append(f'<text x="{LABEL_W - 6}" y="{y + BAR - 4}" text-anchor="end" fill="#1d2733">'
                   f"{escape(_clip(label))}</text>")
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR}" fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{LABEL_W + w + 6:.1f}" y="{y + BAR - 4}" fill="#5b6b7a">'
                   f"{escape(fmt(value))} · {share:.0f} %</text>")
    out.append("</svg>")
    return "".join(out)


__all__ = ["bar_chart_svg"]
