"""Server-rendered SVG bar chart (no JavaScript, no CDN): one bar per unit, labelled with the printed figure."""
from __future__ import annotations

from html import escape

ROW_HEIGHT = 22
LABEL_WIDTH = 260
BAR_WIDTH = 420


def bar_chart(rows: list[dict], title: str, max_rows: int = 40) -> str:
    """rows: [{"label", "value" (comparable number), "text" (as printed), "href"}], largest first."""
    rows = [r for r in rows if r.get("value") is not None][:max_rows]
    if not rows:
        return ""
    top = max(r["value"] for r in rows) or 1.0
    height = ROW_HEIGHT * len(rows) + 30
    width = LABEL_WIDTH + BAR_WIDTH + 120
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">',
             f'<title>{escape(title)}</title>']
    for i, r in enumerate(rows):
        y = 20 + i * ROW_HEIGHT
        length = max(1.0, BAR_WIDTH * r["value"] / top) if r["value"] > 0 else 0
        label = r["label"] if len(r["label"]) <= 18 else r["label"][:17] + "…"
        parts.append(f'<a href="{escape(r["href"])}"><text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end" '
                     f'font-size="12" fill="#1d2733">{escape(label)}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW_HEIGHT - 7}" fill="#2a7ab8">'
                     f'<title>{escape(r["label"])}：{escape(r["text"])}</title></rect>'
                     f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + 14}" font-size="12" fill="#1d2733">'
                     f'{escape(r["text"])}</text></a>')
    parts.append("</svg>")
    return "".join(parts)
