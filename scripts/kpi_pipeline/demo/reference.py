"""The reference tables written from the context: channels, utm map, campaigns, ads, reps, teams, FX."""

from __future__ import annotations


from kpi_pipeline.demo.context import Ctx
from kpi_pipeline.demo.reps import TEAMS
from kpi_pipeline.demo.story import CHANNELS, UTM_MAP
from kpi_pipeline.demo.timeline import fmt_day


def write_reference(ctx: Ctx) -> None:
    s = ctx.sink
    for cid, name, group, paid in CHANNELS:
        s.write("ref_channels", {"channel_id": cid, "channel_name": name, "channel_group": group,
                                 "is_paid": "true" if paid else "false"})
    for src, med, ch in UTM_MAP:
        s.write("ref_utm_channel_map", {"utm_source": src, "utm_medium": med, "channel_id": ch})
    for c in ctx.campaigns:
        s.write("ads_campaigns", {
            "campaign_id": c.campaign_id, "campaign_name": c.name, "channel_id": c.channel,
            "utm_campaign": c.utm_campaign, "objective": c.objective, "start_date": fmt_day(c.start_day),
            "end_date": "" if c.end_day is None else fmt_day(c.end_day)})
        for a in c.ads:
            s.write("ads_ads", {"ad_id": a.ad_id, "campaign_id": a.campaign_id, "ad_name": a.name,
                                "ad_format": a.fmt})
    for r in ctx.reps:
        s.write("crm_sales_reps", {"rep_id": r.rep_id, "rep_name": r.name, "role": r.role,
                                   "hired_date": fmt_day(r.hired_day),
                                   "terminated_date": "" if r.terminated_day is None else fmt_day(r.terminated_day)})
    for tid, tname, region, mgr in TEAMS:
        s.write("crm_sales_teams", {"team_id": tid, "team_name": tname, "region": region, "manager_rep_id": mgr})
    for r in ctx.reps:
        for team, a, b in r.teams:
            s.write("crm_rep_team_history", {"rep_id": r.rep_id, "team_id": team, "valid_from": fmt_day(a),
                                             "valid_to": "" if b is None else fmt_day(b)})
    for dn, cur, rate in ctx.fx.rows:
        s.write("finance_fx_rates", {"rate_date": fmt_day(dn), "from_currency": cur, "to_currency": "USD",
                                     "rate": f"{rate:.6f}"})
