"""Numbers for the pledge pages' progress bars and the server-rendered SVG chart.

The chart is drawn by the template from plain coordinates computed here, so it needs no
JavaScript and no inline styles (only SVG presentation attributes).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from pledges.periods import period_containing
from pledges.queries import PeriodProgress

CHART_PERIODS = 12
WIDTH = 640
HEIGHT = 260
LEFT = 48  # room for the hour labels of the y axis
RIGHT = 12
TOP = 16
BOTTOM = 32  # room for the period labels
NICE_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
TICKS = 4


def attach_progress(pledges, today: date) -> list:
    """Each pledge (annotated by `pledges_with_hours`) gets `.progress` for its current period."""
    rows = list(pledges)
    for pledge in rows:
        pledge.progress = PeriodProgress(
            span=period_containing(today, pledge.period),
            # From the model, not the SQL `pledged` annotation: on SQLite that one divides
            # integers for percentage pledges (see the report on leaderboards.py).
            pledged=pledge.pledged_hours,
            approved=Decimal(str(pledge.this_period)),
            pending=Decimal("0"),
            today=today,
            starts_on=pledge.starts_on,
            ends_on=pledge.ends_on,
        )
    return rows


def _nice_top(value: Decimal) -> Decimal:
    """The top of the y axis: TICKS round steps (NICE_STEPS × 10^n hours)
    that reach `value`."""
    wanted = max(value / TICKS, Decimal("0.25"))
    magnitude = Decimal(10) ** (len(str(int(wanted.to_integral_value(ROUND_CEILING)))) - 1)
    if wanted < 1:
        magnitude = Decimal("0.1")
    for step in NICE_STEPS:
        candidate = Decimal(str(step)) * magnitude
        if candidate >= wanted:
            return candidate * TICKS
    return 10 * magnitude * TICKS


@dataclass
class Bar:
    label: str
    short_label: str
    x: float
    width: float
    approved_y: float
    approved_height: float
    pending_y: float
    pending_height: float
    label_x: float
    progress: PeriodProgress
    current: bool
    show_label: bool = True


def _y(hours: Decimal, top: Decimal) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot - float(hours / top) * plot, 1)


def bar_chart(history: list[PeriodProgress], today: date) -> dict | None:
    """Coordinates of the last CHART_PERIODS periods: approved (and pending, stacked) hours
    per period as bars, and the pledged hours as a line across."""
    shown = history[-CHART_PERIODS:]
    if not shown:
        return None
    pledged = shown[-1].pledged
    top = _nice_top(max([pledged] + [p.approved + p.pending for p in shown]) * Decimal("1.05"))
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / len(shown)
    bar_width = round(min(slot * 0.65, 56), 1)
    bars = []
    for index, progress in enumerate(shown):
        x = LEFT + slot * index + (slot - bar_width) / 2
        approved_y = _y(progress.approved, top)
        pending_y = _y(progress.approved + progress.pending, top)
        bars.append(
            Bar(
                label=progress.span.label,
                short_label=progress.span.short_label,
                x=round(x, 1),
                width=bar_width,
                approved_y=approved_y,
                approved_height=round(_y(Decimal(0), top) - approved_y, 1),
                pending_y=pending_y,
                pending_height=round(approved_y - pending_y, 1),
                label_x=round(x + bar_width / 2, 1),
                progress=progress,
                current=progress.span.start <= today <= progress.span.end,
            )
        )
    ticks = [{"value": top * i / TICKS, "y": _y(top * i / TICKS, top)} for i in range(TICKS + 1)]
    # Every label fits up to 8 bars; beyond that, every other one, newest always shown.
    step = 1 if len(bars) <= 8 else 2
    for index, bar in enumerate(bars):
        bar.show_label = (len(bars) - 1 - index) % step == 0
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": _y(Decimal(0), top),
        "label_y": HEIGHT - BOTTOM + 20,
        "bars": bars,
        "ticks": ticks,
        "pledged": pledged,
        "pledged_y": _y(pledged, top),
        "first": shown[0].span.label,
        "last": shown[-1].span.label,
        "met_count": sum(1 for p in shown if p.status == "met"),
        "count": len(shown),
    }
