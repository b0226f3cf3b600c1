"""Calendar periods (month, quarter, year) and their bounds."""

from dataclasses import dataclass
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext as _

from pledges.models import MONTHS_PER_PERIOD, Period


@dataclass(frozen=True, order=True)
class PeriodSpan:
    start: date
    end: date  # inclusive
    kind: str

    @property
    def label(self) -> str:
        if self.kind == Period.MONTH:
            return dateformat.format(self.start, "F Y")
        if self.kind == Period.QUARTER:
            return _("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return str(self.start.year)

    @property
    def short_label(self) -> str:
        if self.kind == Period.MONTH:
            return dateformat.format(self.start, "M y")
        return self.label

    def next(self) -> "PeriodSpan":
        return period_containing(_add_months(self.start, MONTHS_PER_PERIOD[self.kind]), self.kind)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_containing(day: date, kind: str) -> PeriodSpan:
    months = MONTHS_PER_PERIOD[kind]
    first_month = ((day.month - 1) // months) * months + 1
    start = date(day.year, first_month, 1)
    end = _add_months(start, months)
    return PeriodSpan(start=start, end=date.fromordinal(end.toordinal() - 1), kind=kind)


def periods_between(
    first: date, last: date, kind: str, *, limit: int | None = None
) -> list[PeriodSpan]:
    """Every period from the one holding `first` to the one holding `last`, in order; with
    `limit`, only the last `limit` of them."""
    spans = []
    if limit is not None:
        back = -(limit - 1) * MONTHS_PER_PERIOD[kind]
        earliest = period_containing(last, kind).start
        if earliest.year * 12 + earliest.month - 1 + back >= 12:  # stays after year 1
            first = max(first, _add_months(earliest, back))
    span = period_containing(first, kind)
    while span.start <= last:
        spans.append(span)
        span = span.next()
    return spans
