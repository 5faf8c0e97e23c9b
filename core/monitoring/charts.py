"""The year-on-year charts of the accepted returns (the admin dashboard), drawn on the server.

pygal draws an SVG: no JavaScript on the page, nothing fetched from elsewhere.  pygal adds a
reference to its tooltip script hosted on GitHub unless ``js=[]``, and even then an inline
script of its settings and two comments naming its web site: all removed here, so the image
names no address but the SVG namespaces.  The response carries its own Content-Security-Policy
(``SVG_CSP``) allowing only the chart's inline ``<style>``.  The same numbers are given as a
table beside the image (:func:`figures`), for screen readers and print.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext

from core.monitoring.rollup import yearly_totals

__all__ = ["YEARS_SHOWN", "KINDS", "SVG_CSP", "Figures", "figures", "last_years", "svg", "bars"]

YEARS_SHOWN = 5
KINDS = ("counts", "money")
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_SUMMED = ("teams_served", "startups_served", "financing_total", "income_total")


@dataclass(frozen=True, slots=True)
class Figures:
    year: int
    spaces: int  # spaces whose return of the year was accepted
    served: int  # 当年服务的创业团队数 + 当年服务的初创企业数
    financing_total: Decimal | int  # 千元
    income_total: Decimal | int  # 千元


def last_years(today_year: int, n: int = YEARS_SHOWN) -> list[int]:
    """The ``n`` years before this one (this year's returns are filed next year)."""
    return list(range(today_year - n, today_year))


def figures(codes: list[str], years: list[int]) -> list[Figures]:
    totals = yearly_totals(codes, years, keys=list(_SUMMED))
    return [Figures(year, t["spaces"], int(t["teams_served"]) + int(t["startups_served"]), t["financing_total"],
                    t["income_total"]) for year, t in totals.items()]


def series(kind: str) -> list[tuple[str, str]]:
    """(attribute of :class:`Figures`, label) drawn by the chart ``kind``."""
    if kind == "counts":
        return [("spaces", gettext("Spaces with an accepted return")),
                ("served", gettext("Start-up teams and start-ups served"))]
    return [("financing_total", gettext("Investment and financing (thousand yuan)")),
            ("income_total", gettext("Total income (thousand yuan)"))]


def svg(kind: str, rows: list[Figures]) -> bytes:
    """The chart ``kind`` ("counts" or "money") of ``rows`` as an SVG document."""
    title = gettext("Accepted returns, year on year") if kind == "counts" else gettext("Money reported, year on year")
    return bars(title, [str(r.year) for r in rows],
                [(label, [float(getattr(r, attribute)) for r in rows]) for attribute, label in series(kind)])


#: the series' colours, in order (blue and orange first: told apart by colour-blind readers too)
COLOURS = ("#2c6fbb", "#e07b24", "#3a9d5d", "#8e5ea2", "#c23b3b", "#6b6b6b")


def bars(title: str, x_labels: list[str], series_values: list[tuple[str, list[float]]], *,
         stacked: bool = False, horizontal: bool = False, counts: bool = False) -> bytes:
    """A bar chart as an SVG document: ``series_values`` is (the series' label, one value per x
    label).  The dashboard's figures (core.admin.glance) and the yearly charts above draw with it.
    ``counts``: the values are numbers of things, and the axis is marked in whole numbers only."""
    import pygal
    from pygal.style import Style

    style = Style(font_family='"Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif',
                  background="white", plot_background="white", colors=COLOURS)
    kind = (pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar) if horizontal else \
        (pygal.StackedBar if stacked else pygal.Bar)
    options = {}
    if horizontal and x_labels:  # pygal sizes the label margin for Latin letters: a Chinese one is twice as wide
        options["margin_left"] = min(400, max(sum(9 if ord(c) > 0x2e7f else 5 for c in label) for label in x_labels))
    if counts:  # pygal marks 0, 0.2, 0.4 … for small numbers: two titles are not 0.4 of one
        columns = zip(*(values for _, values in series_values)) if series_values else []
        top = int(max((sum(c) if stacked else max(c) for c in columns), default=0))
        step = max(1, -(-top // 8))
        options["y_labels"] = list(range(0, top + step + 1, step))
    chart = kind(js=[], style=style, width=640 + options.get("margin_left", 0),
                 height=320 if not horizontal else max(240, 80 + 24 * len(x_labels)),
                 legend_at_bottom=True, print_values=False, title=title, truncate_label=-1,
                 no_data_text=gettext("No data"), **options)
    chart.x_labels = x_labels
    for label, values in series_values:
        chart.add(label, values)
    return _without_scripts_or_comments(chart.render())


# pygal's own output, whose only text is our labels (no user's text): its comments and
# its script elements are plain to find
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_SCRIPT = re.compile(rb"<script\b[^>]*/>|<script\b.*?</script>", re.DOTALL)


def _without_scripts_or_comments(document: bytes) -> bytes:
    return _SCRIPT.sub(b"", _COMMENT.sub(b"", document))
