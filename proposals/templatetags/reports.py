"""Percentages and bar charts drawn on the server as SVG: no script, and they print."""

from django import template

register = template.Library()

ROW_HEIGHT = 28
LABEL_WIDTH = 210
BAR_WIDTH = 300


@register.filter
def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


@register.inclusion_tag("proposals/includes/bar_chart.html")
def bar_chart(bars, title: str, target: float | None = None):
    """`bars`: (label, fraction from 0 to 1 or None, text after the bar, tone) each."""
    rows = [
        {
            "y": index * ROW_HEIGHT,
            "label": label,
            "width": round((fraction or 0) * BAR_WIDTH),
            "text": text,
            "tone": tone,
        }
        for index, (label, fraction, text, tone) in enumerate(bars)
    ]
    return {
        "title": title,
        "rows": rows,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "target_x": None if target is None else LABEL_WIDTH + round(target * BAR_WIDTH),
    }
