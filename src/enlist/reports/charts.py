"""Server-rendered SVG charts: bars, lines and a funnel (pure: no Django).

Each function returns one ``<svg>`` element as text, every label escaped. Accessibility: the
SVG is an image (``role="img"``) named by its ``<title>`` and described by its ``<desc>``
(which says what is shown and where the biggest value is); the page puts the same numbers in
a table right under it, the text alternative. Colours are the Okabe–Ito palette, told apart
by people with colour-blind vision; each series is also named in a legend. No script, no
style attribute (the Content-Security-Policy allows neither): presentation attributes only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from html import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH = 720
_ids = itertools.count(1)

Series = tuple[str, Sequence[int | float]]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open(title: str, desc: str, height: int) -> tuple[str, str]:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="chart-{n}-title chart-{n}-desc">'
        f'<title id="chart-{n}-title">{_e(title)}</title>'
        f'<desc id="chart-{n}-desc">{_e(desc)}</desc>'
    )
    return head, "</svg>"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _legend(series: Sequence[Series], y: int) -> str:
    if len(series) < 2:
        return ""
    parts, x = [], 10
    for i, (name, _) in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{y}" font-size="12">{_e(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return "".join(parts)


def empty_note(title: str) -> str:
    head, tail = _open(title, "No data for these filters.", 40)
    return f'{head}<text x="10" y="25" font-size="13">—</text>{tail}'


def bar_chart(
    *, title: str, desc: str, labels: Sequence[str], series: Sequence[Series], unit: str = ""
) -> str:
    """Horizontal bars, one group per label, one bar per series (long labels stay readable)."""
    if not labels or not series:
        return empty_note(title)
    label_width = min(260, 10 + 7 * max(len(label) for label in labels))
    bar, gap = 14, 8
    group = bar * len(series) + gap
    legend = 24 if len(series) > 1 else 0
    height = legend + group * len(labels) + 30
    top = max((v for _, values in series for v in values), default=0)
    scale = _nice_max(top)
    plot = WIDTH - label_width - 60
    head, tail = _open(title, desc, height)
    parts = [head, _legend(series, 16)]
    for row, label in enumerate(labels):
        y0 = legend + row * group
        parts.append(
            f'<text x="{label_width - 6}" y="{y0 + bar * len(series) / 2 + 4}" '
            f'font-size="12" text-anchor="end">{_e(label)}</text>'
        )
        for s, (name, values) in enumerate(series):
            value = values[row]
            length = plot * value / scale
            y = y0 + s * bar
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{_e(label)}, {_e(name)}: '
                f"{_fmt(value)}{_e(unit)}</title></rect>"
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 4}" '
                f'font-size="11">{_fmt(value)}</text>'
            )
    axis_y = legend + group * len(labels) + 4
    parts.append(
        f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + plot}" y2="{axis_y}" '
        f'stroke="#555"/><text x="{label_width + plot}" y="{axis_y + 16}" font-size="11" '
        f'text-anchor="end">{_fmt(scale)}{_e(unit)}</text>'
    )
    parts.append(tail)
    return "".join(parts)


def line_chart(*, title: str, desc: str, x_labels: Sequence[str], series: Sequence[Series]) -> str:
    """Lines over time, one per series; the first and last x labels are written."""
    if not x_labels or not series:
        return empty_note(title)
    height, left, right, top_pad, bottom = 260, 50, 20, 30, 40
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    top = max((v for _, values in series for v in values), default=0)
    scale = _nice_max(top)
    step = plot_w / max(1, len(x_labels) - 1)
    head, tail = _open(title, desc, height)
    parts = [head, _legend(series, 16)]
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{_fmt(scale * fraction)}</text>"
        )
    for s, (name, values) in enumerate(series):
        points = " ".join(
            f"{left + i * step:.1f},{top_pad + plot_h * (1 - v / scale):.1f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{PALETTE[s % len(PALETTE)]}" '
            f'stroke-width="2"><title>{_e(name)}</title></polyline>'
        )
    base = top_pad + plot_h + 18
    parts.append(
        f'<text x="{left}" y="{base}" font-size="11">{_e(x_labels[0])}</text>'
        f'<text x="{left + plot_w}" y="{base}" font-size="11" text-anchor="end">'
        f"{_e(x_labels[-1])}</text>"
    )
    parts.append(tail)
    return "".join(parts)


def funnel_chart(*, title: str, desc: str, steps: Sequence[tuple[str, int]]) -> str:
    """Centred bars, one per step, as wide as its count; each with its share of the first."""
    if not steps or steps[0][1] == 0:
        return empty_note(title)
    row, height = 30, 30 * len(steps) + 10
    first = steps[0][1]
    label_width = 170
    plot = WIDTH - label_width - 90
    head, tail = _open(title, desc, height)
    parts = [head]
    for i, (label, value) in enumerate(steps):
        width = plot * value / first
        x = label_width + (plot - width) / 2
        y = 5 + i * row
        share = 100 * value / first
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 17}" font-size="12" text-anchor="end">'
            f"{_e(label)}</text>"
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[0]}"><title>{_e(label)}: {_fmt(value)} ({share:.0f} %)</title></rect>'
            f'<text x="{label_width + plot + 6}" y="{y + 17}" font-size="12">'
            f"{_fmt(value)} · {share:.0f} %</text>"
        )
    parts.append(tail)
    return "".join(parts)


def biggest(labels: Sequence[str], values: Sequence[int | float]) -> str:
    """The label with the largest value, for a chart's description."""
    if not labels:
        return ""
    index = max(range(len(values)), key=lambda i: values[i])
    return labels[index]
