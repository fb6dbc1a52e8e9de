"""Working days: Monday to Friday, minus Vietnamese public holidays (the `holidays` package: lunar Tết,
Giỗ Tổ Hùng Vương, substituted days, government swaps), with the office's own additions."""

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache

from sqlalchemy.orm import Session

from dondoc.store.calendar import calendar_changes

ONE_DAY = dt.timedelta(days=1)
EPOCH_YEAR = 2024


class WorkCalendar:
    def __init__(self, extra_off: Iterable[dt.date] = (), extra_work: Iterable[dt.date] = ()) -> None:
        self.extra_off = frozenset(extra_off)
        self.extra_work = frozenset(extra_work)
        # Imported here: the first calendar imports all ~250 country modules of `holidays` (some 10 MB and
        # tens of milliseconds), and most commands never look at a calendar.
        import holidays

        self._public = holidays.country_holidays("VN", language="vi")
        self.is_working_day = lru_cache(maxsize=8192)(self._is_working_day)

    @classmethod
    def load(cls, session: Session) -> "WorkCalendar":
        rows = calendar_changes(session)
        return cls([d for d, working in rows if not working], [d for d, working in rows if working])

    def _is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_work:
            return True
        if day in self.extra_off:
            return False
        return bool(self._public.is_working_day(day))

    def holiday_name(self, day: dt.date) -> str | None:
        return self._public.get(day)

    def on_or_before(self, day: dt.date) -> dt.date:
        """The day itself if it is a working day, else the working day before it."""
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def after(self, day: dt.date, count: int = 1) -> dt.date:
        """The `count`-th working day after `day`."""
        while count > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def before(self, day: dt.date, count: int = 1) -> dt.date:
        """The `count`-th working day before `day`."""
        while count > 0:
            day -= ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working-day steps lead from start to end."""
        return self._ordinal(end) - self._ordinal(start)

    def _ordinal(self, day: dt.date) -> int:
        """Working days from 1/1/EPOCH_YEAR up to and including `day` (negative before it)."""
        return self._year_offset(day.year) + self._year_table(day.year)[day.timetuple().tm_yday - 1]

    @lru_cache(maxsize=64)  # noqa: B019 - a calendar lives for one sweep; its cache goes with it
    def _year_table(self, year: int) -> tuple[int, ...]:
        """Running count of working days through each day of the year."""
        count, table, day = 0, [], dt.date(year, 1, 1)
        while day.year == year:
            count += self.is_working_day(day)
            table.append(count)
            day += ONE_DAY
        return tuple(table)

    @lru_cache(maxsize=256)  # noqa: B019
    def _year_offset(self, year: int) -> int:
        if year >= EPOCH_YEAR:
            return sum(self._year_table(y)[-1] for y in range(EPOCH_YEAR, year))
        return -sum(self._year_table(y)[-1] for y in range(year, EPOCH_YEAR))


def office_calendar(session: Session) -> Callable[[], WorkCalendar]:
    """The office's working days, loaded when first asked for (building one imports `holidays`, some
    0.3 s): what a notice's "trong 05 ngày làm việc" is counted in."""
    return lambda: WorkCalendar.load(session)
