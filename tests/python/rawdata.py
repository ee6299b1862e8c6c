"""Independent reference computations straight from the raw CSVs.

Nothing here reads the dbt models: the KPI tests compare the marts against
these numbers, so a bug in the SQL cannot hide behind itself. The helpers
re-implement the spec's rules (FX at the dated rate with the latest earlier
rate, utm -> channel mapping, as-of date) in plain pandas.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from kpi_pipeline.demo_files import seed_path


def _blank_to_na(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda col: col.str.strip().replace("", pd.NA))


def to_utc(values: pd.Series) -> pd.Series:
    """ISO 8601 text (with or without offset; none = UTC) -> naive UTC timestamps."""
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_localize(None)


def month_start(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.to_period("M").dt.to_timestamp()


class RawData:
    """The raw demo tables as text, plus the spec's shared rules."""

    def __init__(self, seeds_dir: Path | None = None, reporting_currency: str = "USD") -> None:
        """The demo data (seeds/demo/, seeds/reference/), or the flat data directory `seeds_dir`."""
        self.seeds_dir = seeds_dir
        self.reporting_currency = reporting_currency
        self._cache: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            path = self.seeds_dir / f"{name}.csv" if self.seeds_dir else seed_path(name)
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            self._cache[name] = _blank_to_na(frame)
        return self._cache[name].copy()

    @cached_property
    def as_of_date(self) -> pd.Timestamp:
        """Latest event date present in the data (the spec's default as-of date)."""
        candidates = [
            pd.to_datetime(self.table("ads_spend_daily")["spend_date"]).max(),
            to_utc(self.table("crm_leads")["created_at"]).max(),
            to_utc(self.table("mkt_touchpoints")["touched_at"]).max(),
            to_utc(self.table("crm_lead_status_history")["changed_at"]).max(),
            to_utc(self.table("crm_opportunity_stage_history")["changed_at"]).max(),
        ]
        return max(candidates).normalize()

    @cached_property
    def _rates_to_usd(self) -> pd.DataFrame:
        fx = self.table("finance_fx_rates")
        fx["from_currency"] = fx["from_currency"].str.upper()
        fx["to_currency"] = fx["to_currency"].str.upper()
        fx = fx[fx["to_currency"] == "USD"].copy()
        fx["rate_date"] = pd.to_datetime(fx["rate_date"])
        fx["rate"] = fx["rate"].astype(float)
        return fx.sort_values("rate_date")

    def rate_to_reporting(self, currency: str, on: date | pd.Timestamp) -> float:
        """Units of reporting currency per unit of `currency` on day `on`
        (latest rate on or before that day; KeyError if there is none)."""

        def to_usd(cur: str) -> float:
            if cur == "USD":
                return 1.0
            rows = self._rates_to_usd[
                (self._rates_to_usd["from_currency"] == cur)
                & (self._rates_to_usd["rate_date"] <= pd.Timestamp(on))
            ]
            if rows.empty:
                raise KeyError(f"no {cur}->USD rate on or before {on}")
            return float(rows["rate"].iloc[-1])

        currency = currency.strip().upper()
        if currency == self.reporting_currency:
            return 1.0
        return to_usd(currency) / to_usd(self.reporting_currency)

    def convert(self, amounts: pd.Series, currencies: pd.Series, dates: pd.Series) -> pd.Series:
        """Convert each amount to the reporting currency at its own date's rate."""
        keys = pd.DataFrame({"c": currencies.str.strip().str.upper(), "d": pd.to_datetime(dates).dt.normalize()})
        rates = {
            (c, d): self.rate_to_reporting(c, d) for c, d in keys.drop_duplicates().itertuples(index=False)
        }
        factor = [rates[(c, d)] for c, d in keys.itertuples(index=False)]
        return amounts.astype(float).to_numpy() * pd.Series(factor, index=amounts.index)

    @cached_property
    def _utm_map(self) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
        mapping = self.table("ref_utm_channel_map")
        exact: dict[tuple[str, str], str] = {}
        wildcard: dict[str, str] = {}
        for row in mapping.itertuples(index=False):
            source = (row.utm_source or "").strip().lower()
            medium = (row.utm_medium or "").strip().lower()
            if source == "*":
                wildcard[medium] = row.channel_id
            else:
                exact[(source, medium)] = row.channel_id
        return exact, wildcard

    def channel_of(self, utm_source: object, utm_medium: object) -> str:
        """The spec's channel rule: exact (source, medium) pair, then '*' for the
        medium; no utm at all -> direct; an unknown pair -> unmapped."""
        source = "" if pd.isna(utm_source) else str(utm_source).strip().lower()
        medium = "" if pd.isna(utm_medium) else str(utm_medium).strip().lower()
        exact, wildcard = self._utm_map
        if (source, medium) in exact:
            return exact[(source, medium)]
        if medium in wildcard:
            return wildcard[medium]
        if not source and not medium:
            return "direct"
        return "unmapped"
