"""A bar chart as inline SVG, drawn on the server: no script, no stylesheet from elsewhere.
Colours come from the admin's own CSS variables, so the chart follows its light and dark
themes."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 600
HEIGHT = 160
LEFT = 40  # room for the scale's labels
BOTTOM = 20  # room for the first and last day's labels
TOP = 10
GAP = 2


@dataclass(frozen=True)
class Bar:
    label: str  # shown under the first and last bars, and in each bar's tooltip
    value: int


def bar_chart(bars: list[Bar], *, title: str, unit: str) -> SafeString:
    """``bars`` left to right, scaled so the tallest reaches the top; each bar carries a
    ``<title>`` (its label and value) that browsers show on hover."""
    plot_height = HEIGHT - TOP - BOTTOM
    top_value = max((bar.value for bar in bars), default=0)
    step = (WIDTH - LEFT) / max(len(bars), 1)
    rects = []
    for index, bar in enumerate(bars):
        height = round(bar.value * plot_height / top_value, 1) if top_value else 0
        rects.append(
            (
                round(LEFT + index * step, 1),
                round(TOP + plot_height - height, 1),
                round(step - GAP, 1),
                height,
                bar.label,
                bar.value,
                unit,
            )
        )
    bars_svg = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" style="fill: var(--secondary)">'
        "<title>{}: {} {}</title></rect>",
        rects,
    )
    labels = (
        format_html(
            '<text x="{}" y="{}" font-size="11" style="fill: var(--body-quiet-color)">{}</text>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end" '
            'style="fill: var(--body-quiet-color)">{}</text>',
            LEFT,
            HEIGHT - 5,
            bars[0].label,
            WIDTH,
            HEIGHT - 5,
            bars[-1].label,
        )
        if bars
        else ""
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        'width="100%" role="img" aria-label="{title}">'
        '<text x="{scale_x}" y="{top_y}" font-size="11" text-anchor="end" '
        'style="fill: var(--body-quiet-color)">{top_value}</text>'
        '<text x="{scale_x}" y="{zero_y}" font-size="11" text-anchor="end" '
        'style="fill: var(--body-quiet-color)">0</text>'
        '<line x1="{left}" y1="{zero_line}" x2="{width}" y2="{zero_line}" '
        'style="stroke: var(--hairline-color)"/>'
        "{bars}{labels}</svg>",
        width=WIDTH,
        height=HEIGHT,
        title=title,
        scale_x=LEFT - 5,
        top_y=TOP + 9,
        top_value=top_value,
        zero_y=HEIGHT - BOTTOM,
        left=LEFT,
        zero_line=HEIGHT - BOTTOM,
        bars=bars_svg,
        labels=labels,
    )
