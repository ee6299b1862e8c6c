"""The sales org: teams and reps with their team history (crm_sales_teams, crm_sales_reps, crm_rep_team_history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from kpi_pipeline.demo.timeline import Calendar


@dataclass
class Rep:
    rep_id: str
    name: str
    role: str
    hired_day: int
    terminated_day: int | None
    teams: list[tuple[str, int, int | None]]  # team, valid_from, valid_to (exclusive)

    def team_at(self, dn: int) -> str | None:
        for team, a, b in self.teams:
            if a <= dn and (b is None or dn < b):
                return team
        return None

    def employed(self, dn: int) -> bool:
        return self.hired_day <= dn and (self.terminated_day is None or dn <= self.terminated_day)


TEAMS = (("na_smb", "North America SMB & Mid-Market", "north_america", "REP-001"),
         ("na_enterprise", "North America Enterprise", "north_america", "REP-002"),
         ("emea", "EMEA", "emea", "REP-003"))


def build_reps(cal: Calendar) -> list[Rep]:
    s = cal.start_day
    mover_day = cal.day_of(8)  # REP-007 moves na_smb -> emea
    leaver_day = cal.day_of(12, 14)  # REP-008's last day
    spec = (  # id, name, role, hired (days relative to start), team
        ("REP-001", "Dana Whitfield", "manager", -1300, "na_smb"),
        ("REP-002", "Marcus Oyelaran", "manager", -1100, "na_enterprise"),
        ("REP-003", "Sofie Lindqvist", "manager", -900, "emea"),
        ("REP-004", "Ethan Brooks", "ae", -800, "na_smb"),
        ("REP-005", "Priya Raman", "ae", -650, "na_smb"),
        ("REP-006", "Lucas Moreno", "ae", -400, "na_smb"),
        ("REP-007", "Hannah Keller", "ae", -500, "na_smb"),
        ("REP-008", "Tyler Grant", "ae", -300, "na_smb"),
        ("REP-009", "Olivia Chen", "ae", -1000, "na_enterprise"),
        ("REP-010", "James Whitaker", "ae", -700, "na_enterprise"),
        ("REP-011", "Grace Adeyemi", "ae", -200, "na_enterprise"),
        ("REP-012", "Jonas Becker", "ae", -750, "emea"),
        ("REP-013", "Camille Laurent", "ae", -420, "emea"),
        ("REP-014", "Ruben de Vries", "ae", -150, "emea"),
        ("REP-015", "Noah Patel", "ae", cal.day_of(10) - s, "na_smb"),
        ("REP-016", "Mia Sullivan", "sdr", -250, "na_smb"),
        ("REP-017", "Elias Novak", "sdr", cal.day_of(5) - s, "emea"),
    )
    reps = []
    for rid, name, role, hired_rel, team in spec:
        hired = s + hired_rel
        rep = Rep(rid, name, role, hired, None, [(team, hired, None)])
        if rid == "REP-007":
            rep.teams = [(team, hired, mover_day), ("emea", mover_day, None)]
        if rid == "REP-008":
            rep.terminated_day = leaver_day
            rep.teams = [(team, hired, leaver_day + 1)]
        reps.append(rep)
    return reps


def eligible_aes(reps: Sequence[Rep], team: str, dn: int, exclude: str = "") -> list[Rep]:
    return [r for r in reps if r.role == "ae" and r.rep_id != exclude and r.employed(dn) and r.team_at(dn) == team]
