"""What every generator shares: ids, the monthly aggregates (for commissions and targets), the context."""

from __future__ import annotations

from dataclasses import dataclass, field

from kpi_pipeline.demo.campaigns import Campaign
from kpi_pipeline.demo.fx import Fx
from kpi_pipeline.demo.reps import TEAMS, Rep
from kpi_pipeline.demo.timeline import Calendar
from kpi_pipeline.demo.writer import Sink


class Ids:
    """Sequential zero-padded ids (deterministic because leads are processed in order)."""

    WIDTH = {"TP": 8, "LSE": 8, "OSE": 8, "BSE": 8, "L": 7, "OPP": 7, "CUS": 7, "SUB": 7, "SP": 7, "FC": 5}

    def __init__(self) -> None:
        self.n: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        n = self.n[prefix] = self.n.get(prefix, 0) + 1
        return f"{prefix}-{n:0{self.WIDTH[prefix]}d}"


@dataclass
class Agg:
    """Monthly aggregates kept in memory for commissions and targets (all USD)."""

    months: int
    spend: list[float] = field(default_factory=list)
    leads: list[int] = field(default_factory=list)
    mqls: list[int] = field(default_factory=list)
    sqls: list[int] = field(default_factory=list)
    opps: list[int] = field(default_factory=list)
    won: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    revenue: list[float] = field(default_factory=list)
    new_customers: list[int] = field(default_factory=list)
    churned: list[int] = field(default_factory=list)
    active_delta: list[int] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    bookings_local: dict[str, list[float]] = field(default_factory=dict)
    team_revenue: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("spend", "revenue", "costs"):
            setattr(self, name, [0.0] * self.months)
        for name in ("leads", "mqls", "sqls", "opps", "won", "lost", "new_customers", "churned", "active_delta"):
            setattr(self, name, [0] * self.months)
        self.bookings_local = {c: [0.0] * self.months for c in ("USD", "EUR", "GBP")}
        self.team_revenue = {t[0]: [0.0] * self.months for t in TEAMS}


@dataclass
class Ctx:
    seed: int
    scale: float
    cal: Calendar
    fx: Fx
    campaigns: list[Campaign]
    reps: list[Rep]
    sink: Sink
    ids: Ids
    agg: Agg
    n_leads: int
    cum_weights: list[float]
    conf_extra: list[float]
