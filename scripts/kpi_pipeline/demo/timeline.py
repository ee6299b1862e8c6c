"""Time helpers and the calendar: instants are integer seconds since the epoch (UTC), days are integer
day numbers since 1970-01-01; demand by month (seasonality) and the weighted pick every stream uses."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import Sequence



EPOCH = date(1970, 1, 1)
DAY = 86_400
HOUR = 3_600
BASE_LEADS = 3_000
MONTHS = 24


def day_no(d: date) -> int:
    return (d - EPOCH).days


@lru_cache(maxsize=None)
def fmt_day(dn: int) -> str:
    return (EPOCH + timedelta(days=dn)).isoformat()


def fmt_ts(sec: int, offset_min: int = 0) -> str:
    """ISO 8601 with 'Z' (offset 0) or '+HH:MM'/'-HH:MM'; same instant either way."""
    local = sec + offset_min * 60
    dn, s = divmod(local, DAY)
    h, rem = divmod(s, HOUR)
    m, s = divmod(rem, 60)
    if offset_min == 0:
        suffix = "Z"
    else:
        sign = "+" if offset_min > 0 else "-"
        oh, om = divmod(abs(offset_min), 60)
        suffix = f"{sign}{oh:02d}:{om:02d}"
    return f"{fmt_day(dn)}T{h:02d}:{m:02d}:{s:02d}{suffix}"


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def money(x: float) -> str:
    return f"{x:.2f}"


@lru_cache(maxsize=None)
def _cum_weights(weights: tuple[float, ...]) -> list[float]:
    return list(accumulate(weights))


def pick(rng: random.Random, items: Sequence, weights: Sequence[float]):
    # random.choices(weights=w) accumulates w on every call; passing the same
    # cumulative weights (cached for the constant tuples) draws the same item.
    if type(weights) is tuple:
        return rng.choices(items, cum_weights=_cum_weights(weights), k=1)[0]
    return rng.choices(items, weights=weights, k=1)[0]


SEASON = (0.95, 1.0, 1.05, 1.0, 1.0, 0.97, 0.85, 0.82, 1.08, 1.12, 1.05, 0.68)  # Jan..Dec


@dataclass
class Calendar:
    start: date
    end: date

    @cached_property
    def start_day(self) -> int:
        return day_no(self.start)

    @cached_property
    def end_day(self) -> int:
        return day_no(self.end)

    @cached_property
    def end_ts(self) -> int:
        """Last second of the end date (inclusive)."""
        return (self.end_day + 1) * DAY - 1

    @cached_property
    def _month_index_cache(self) -> dict[int, int]:
        return {}

    def month_index(self, dn: int) -> int:
        cache = self._month_index_cache
        m = cache.get(dn)
        if m is None:
            d = EPOCH + timedelta(days=dn)
            m = cache[dn] = (d.year - self.start.year) * 12 + d.month - self.start.month
        return m

    def month_start(self, m: int) -> date:
        return add_months(self.start, m)

    def day_of(self, months: int, day: int = 1) -> int:
        """Day number of `day` in month start+months (clamped to the end date)."""
        return min(day_no(add_months(self.start, months).replace(day=day)), self.end_day)

    def demand(self, dn: int) -> float:
        """Relative lead demand / budget on a day: growth x seasonality x weekday."""
        d = EPOCH + timedelta(days=dn)
        growth = 1.0 + 0.6 * (dn - self.start_day) / max(1, self.end_day - self.start_day)
        weekday = 0.35 if d.weekday() >= 5 else 1.0
        return growth * SEASON[d.month - 1] * weekday


def make_calendar(end: date) -> Calendar:
    return Calendar(start=add_months(date(end.year, end.month, 1), -(MONTHS - 1)), end=end)
