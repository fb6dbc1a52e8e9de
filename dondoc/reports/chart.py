"""The chart sent with /xuat: per agency, one horizontal bar of its lead assignments (cancelled ones left
out), split into done on time, done with no deadline, done late, awaiting the office's confirmation (a
segment of its own: the agency has finished, the office has not decided), open and not overdue, and
overdue; best on-time rate first.

matplotlib is imported inside the functions that draw (the Agg canvas, no pyplot, no global state), so
importing this module, and starting the bot, never loads it. Text is drawn with the DejaVu Sans files
matplotlib ships, named by path: they have every Vietnamese letter whatever fonts the machine has or
matplotlibrc says, and what they cannot draw is replaced (`drawable`) rather than warned about.
"""

import io
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from dondoc.i18n import N_, _, format_percent_value, ngettext
from dondoc.store.exports import AgencySummary
from dondoc.text import fold

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

NAME_LENGTH = 34  # characters of an agency's name; longer ones are cut at a word, with "…"
WIDTH_INCHES, DPI = 5.4, 200  # 1080 pixels wide: a phone's full width, text still legible
BAR_INCHES, FRAME_INCHES = 0.34, 2.3  # height per agency, and of the title, legend and footer
LEGEND_LABEL_LENGTH = 24  # longer legend labels go in two columns, not three
FOOTER_WIDTH = 85  # characters a footer line holds at its size


@dataclass(frozen=True)
class Segment:
    """One kind of assignment across the agencies: its legend label (a msgid), colour and counts."""

    key: str
    label: str
    colour: str
    values: tuple[int, ...]


# Left to right in each bar. "Done, no deadline" is work with no date ("thường xuyên"): neither on time
# nor late, drawn so that each bar is the agency's whole count.
SEGMENTS: tuple[tuple[str, str, str], ...] = (
    ("on_time", N_("done on time"), "#2e7d32"),
    ("undated", N_("done, no deadline"), "#a5d6a7"),
    ("late", N_("done late"), "#f9a825"),
    ("reported", N_("awaiting confirmation"), "#64b5f6"),
    ("open", N_("open, not overdue"), "#90a4ae"),
    ("overdue", N_("overdue"), "#d32f2f"),
)


@dataclass(frozen=True)
class ChartData:
    names: tuple[str, ...]  # shortened, best on-time rate first
    rates: tuple[float | None, ...]
    totals: tuple[int, ...]  # each bar's length: the agency's assignments, cancelled ones left out
    segments: tuple[Segment, ...]  # only the kinds some agency has
    hidden: int  # agencies left out by the limit


def short_name(name: str, limit: int = NAME_LENGTH) -> str:
    """The name, or its first words and "…" when it is longer than `limit` characters."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if len(name) <= limit:
        return name
    cut = name[: limit - 1]
    if name[limit - 1] != " " and " " in cut:  # the last word is cut: leave it out
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


def _order(summary: AgencySummary) -> tuple[int, float, int, str]:
    """Best on-time rate first, agencies with no dated assignment last; then fewer overdue."""
    rate = summary.on_time_rate
    return (rate is None, -(rate or 0.0), summary.overdue, fold(summary.name))


def _values(summary: AgencySummary) -> dict[str, int]:
    counted = summary.done_on_time + summary.done_late + summary.reported + summary.open
    return {
        "on_time": summary.done_on_time,
        "undated": max(0, summary.assigned - counted),
        "late": summary.done_late,
        "reported": summary.reported,
        "open": summary.open - summary.overdue,
        "overdue": summary.overdue,
    }


def chart_series(summaries: Sequence[AgencySummary], limit: int = 20) -> ChartData:
    """What the chart draws: the `limit` best agencies with any assignment, and their bars' segments."""
    shown = sorted((s for s in summaries if s.assigned), key=_order)
    hidden = max(0, len(shown) - limit)
    shown = shown[:limit]
    values = [_values(s) for s in shown]
    segments = tuple(
        Segment(key, label, colour, tuple(v[key] for v in values))
        for key, label, colour in SEGMENTS
        if any(v[key] for v in values)
    )
    return ChartData(
        names=tuple(short_name(s.name) for s in shown),
        rates=tuple(s.on_time_rate for s in shown),
        totals=tuple(sum(v.values()) for v in values),
        segments=segments,
        hidden=hidden,
    )


def _rate_label(rate: float | None) -> str:
    return "—" if rate is None else format_percent_value(int(rate * 100 + 0.5))  # halves up, as /danhgia


def _font_file(bold: bool) -> str:
    from matplotlib import get_data_path

    return str(
        Path(get_data_path()) / "fonts" / "ttf" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    )


def _font(size: float, bold: bool = False) -> "FontProperties":
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=_font_file(bold), size=size)


@cache
def _glyphs() -> frozenset[int]:
    """The characters both fonts draw."""
    from matplotlib.ft2font import FT2Font

    regular, bold = (set(FT2Font(_font_file(b)).get_charmap()) for b in (False, True))
    return frozenset(regular & bold)


def drawable(text: str) -> str:
    """The text with what the fonts cannot draw (an emoji, a rare script) replaced by "?", rather than
    drawn as an empty box with a warning."""
    glyphs = _glyphs()
    return "".join(c if c in "\n\t" or ord(c) in glyphs else "?" for c in unicodedata.normalize("NFC", text))


def _bars(ax: "Axes", data: ChartData) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(data.names)))
    left = [0] * len(positions)
    for segment in data.segments:
        ax.barh(
            positions,
            segment.values,
            left=left,
            color=segment.colour,
            height=0.72,
            label=drawable(_(segment.label)),
        )
        left = [a + b for a, b in zip(left, segment.values, strict=True)]
    longest = max(data.totals, default=0) or 1
    for position, total, rate in zip(positions, data.totals, data.rates, strict=True):
        ax.text(
            total + longest * 0.015,
            position,
            drawable(_rate_label(rate)),
            va="center",
            fontproperties=_font(8.5, bold=True),
            color="#212121",
        )
    ax.set_xlim(0, longest * 1.16)
    ax.set_yticks(positions, [drawable(name) for name in data.names], fontproperties=_font(8.5))
    ax.margins(y=0.02)
    ax.invert_yaxis()  # the best at the top
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=8)  # digits only: any font has them
    ax.set_xlabel(drawable(_("assignments (cancelled ones left out)")), fontproperties=_font(8.5))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)


def _footer(data: ChartData) -> str:
    lines = [_("Sorted by on-time rate (done on time ÷ assignments with a deadline), best first.")]
    if data.hidden:
        lines.append(
            ngettext(
                "… and {count} more agency, not shown.",
                "… and {count} more agencies, not shown.",
                data.hidden,
            ).format(count=data.hidden)
        )
    return "\n".join(textwrap.fill(line, FOOTER_WIDTH) for line in lines)


def _legend(figure: "Figure", ax: "Axes", data: ChartData) -> None:
    """Above the bars, centred on the picture: an axes legend, which constrained layout makes room for (a
    figure legend it would lay over the title). Three columns, or two when a label is long."""
    from matplotlib.transforms import blended_transform_factory

    labels = [_(segment.label) for segment in data.segments]
    columns = min(len(labels), 3 if max(map(len, labels)) <= LEGEND_LABEL_LENGTH else 2)
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.01),
        bbox_transform=blended_transform_factory(figure.transFigure, ax.transAxes),
        ncols=columns,
        frameon=False,
        prop=_font(8),
        handlelength=1.2,
        columnspacing=1.0,
        borderaxespad=0.2,
    )


def _figure(data: ChartData, title: str) -> "Figure":
    from matplotlib.figure import Figure

    height = FRAME_INCHES + BAR_INCHES * max(len(data.names), 1)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained", facecolor="white")
    ax = figure.add_subplot()
    if data.names:
        _bars(ax, data)
        _legend(figure, ax, data)
    else:
        ax.set_axis_off()
        nothing = drawable(_("No assignment to show."))
        ax.text(0.5, 0.5, nothing, ha="center", va="center", fontproperties=_font(10))
    figure.suptitle(drawable(title), fontproperties=_font(11, bold=True), wrap=True)
    figure.supxlabel(drawable(_footer(data)), fontproperties=_font(7.5), color="#424242")
    return figure


def agency_chart(summaries: Sequence[AgencySummary], *, title: str, limit: int = 20) -> bytes:
    """A PNG of the agencies' bars (`chart_series`), in the language in force, 1080 pixels wide."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _figure(chart_series(summaries, limit), title)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
