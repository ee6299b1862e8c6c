"""FX rates to USD on business days (finance_fx_rates)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from kpi_pipeline.demo.timeline import EPOCH, Calendar


FX_SPECS = (("EUR", 1.08, 1.05, 1.12), ("GBP", 1.27, 1.22, 1.32))  # start, low, high (-> USD)


@dataclass
class Fx:
    first_day: int
    rates: dict[str, list[float]]  # currency -> rate per day since first_day (carried over weekends)
    rows: list[tuple[int, str, float]]

    def to_usd(self, currency: str, dn: int) -> float:
        if currency == "USD":
            return 1.0
        series = self.rates[currency]
        return series[min(max(dn - self.first_day, 0), len(series) - 1)]


def build_fx(cal: Calendar, seed: int) -> Fx:
    rng = random.Random(f"{seed}:fx")
    first = cal.start_day - 10
    while (EPOCH + timedelta(days=first)).weekday() >= 5:
        first += 1
    rates: dict[str, list[float]] = {}
    rows: list[tuple[int, str, float]] = []
    for cur, r, lo, hi in FX_SPECS:
        mean, series, last = (lo + hi) / 2, [], r
        for dn in range(first, cal.end_day + 1):
            if (EPOCH + timedelta(days=dn)).weekday() < 5:
                last = min(hi, max(lo, last + 0.05 * (mean - last) + rng.gauss(0, 0.003)))
                last = round(last, 6)
                rows.append((dn, cur, last))
            series.append(last)
        rates[cur] = series
    rows.sort(key=lambda x: (x[0], x[1]))
    return Fx(first, rates, rows)
