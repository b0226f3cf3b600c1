"""The demo files' one date notation: moments relative to the day the demo is loaded.

A moment is a few steps, applied left to right to now (in the hub's time zone):

    +3d  -27d  +2w  -13m   move by days, weeks or calendar months
    sat                    forward to that weekday (mon ... sun); stays if it is one already
    2nd-tue                forward to that weekday of its month (1st, 2nd, 3rd, 4th, last)
    sep-17                 forward to that day of the year (jan-1 ... dec-31)
    month-start            back to the first day of the month
    18:30                  at that time of day (without it: the time of day of now)
    starts                 only as the first step: from the event's start instead of now

So "sat +5w 09:30" is the Saturday five weeks after the coming one, at half past nine;
"starts +2d 17:00" two days after the event starts, at five; "-13m month-start" the first
day of the month thirteen months ago.
"""

import calendar
import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
ORDINALS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": -1}

SHIFT = re.compile(r"^([+-])(\d+)([dwm])$")
TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
NTH_WEEKDAY = re.compile(rf"^({'|'.join(ORDINALS)})-({'|'.join(WEEKDAYS)})$")
DAY_OF_YEAR = re.compile(rf"^({'|'.join(MONTHS)})-(\d{{1,2}})$")


class NotationError(ValueError):
    """A moment the notation cannot read; the message quotes it and says why."""


def moment(text: str, *, now: datetime, starts: datetime | None = None) -> datetime:
    """The aware datetime `text` names, counted from `now` (or from `starts`)."""
    steps = str(text).split()
    if not steps:
        raise NotationError("An empty moment: write steps such as '+2w sat 18:00'.")
    origin = timezone.localtime(now)
    if steps[0] == "starts":
        if starts is None:
            raise NotationError(f"{text!r}: 'starts' only counts from an event's start.")
        origin = timezone.localtime(starts)
        steps = steps[1:]
    day, at = origin.date(), origin.time()
    for step in steps:
        if found := TIME_OF_DAY.match(step):
            at = time(int(found[1]), int(found[2]))
        else:
            day = _move(day, step, text)
    return timezone.make_aware(datetime.combine(day, at))


def _move(day: date, step: str, text: str) -> date:
    if found := SHIFT.match(step):
        amount = int(found[2]) * (1 if found[1] == "+" else -1)
        if found[3] == "d":
            return day + timedelta(days=amount)
        if found[3] == "w":
            return day + timedelta(weeks=amount)
        return _add_months(day, amount)
    if step in WEEKDAYS:
        return day + timedelta(days=(WEEKDAYS.index(step) - day.weekday()) % 7)
    if found := NTH_WEEKDAY.match(step):
        weekday, nth = WEEKDAYS.index(found[2]), ORDINALS[found[1]]
        candidate = _nth_weekday(day.year, day.month, weekday, nth)
        if candidate < day:
            following = _add_months(day.replace(day=1), 1)
            candidate = _nth_weekday(following.year, following.month, weekday, nth)
        return candidate
    if found := DAY_OF_YEAR.match(step):
        month, number = MONTHS.index(found[1]) + 1, int(found[2])
        if not 1 <= number <= calendar.monthrange(2024, month)[1]:
            raise NotationError(f"{text!r}: {found[1]} has no day {number}.")
        year = day.year if (month, number) >= (day.month, day.day) else day.year + 1
        return date(year, month, min(number, calendar.monthrange(year, month)[1]))
    if step == "month-start":
        return day.replace(day=1)
    raise NotationError(
        f"{text!r}: cannot read {step!r}. Steps are +3d, -2w, +1m, a weekday (sat), "
        "a weekday of the month (2nd-tue), a day of the year (sep-17), month-start, "
        "a time (18:30), or 'starts' first."
    )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth `weekday` (Monday is 0) of a month; nth = -1 for the last one."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)
