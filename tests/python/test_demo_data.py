"""Tests for the demo-data generator (scripts/kpi_pipeline/demo/).

(a) same seed + scale => byte-identical files;
(b) the committed seeds/ equal a fresh generation with the defaults;
(c) referential, ordering and "nothing after the end date" invariants.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_demo_data.py"
sys.path.insert(0, str(ROOT / "scripts"))

from kpi_pipeline.contract import TABLES, TABLES_BY_NAME  # noqa: E402
from kpi_pipeline.demo_files import seed_path  # noqa: E402

END_DATE = date(2026, 10, 31)
END_TS = datetime(2026, 10, 31, 23, 59, 59, tzinfo=timezone.utc)


def generate(out: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), "--quiet", *args], check=True, cwd=ROOT)


def read(folder: Path, table: str) -> list[dict[str, str]]:
    with open(folder / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.fixture(scope="module")
def default_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("default")
    generate(out)
    return out


@pytest.fixture(scope="module")
def data(default_data: Path) -> dict[str, list[dict[str, str]]]:
    return {t.name: read(default_data, t.name) for t in TABLES}


# ---------------------------------------------------------------- determinism
def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, "--scale", "0.2", "--seed", "7")
    generate(b, "--scale", "0.2", "--seed", "7")
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(f"{t.name}.csv" for t in TABLES)
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_other_seed_differs(tmp_path: Path) -> None:
    generate(tmp_path / "a", "--scale", "0.2", "--seed", "1")
    generate(tmp_path / "b", "--scale", "0.2", "--seed", "2")
    assert (tmp_path / "a" / "crm_leads.csv").read_bytes() != (tmp_path / "b" / "crm_leads.csv").read_bytes()


def test_committed_seeds_match_generator(default_data: Path) -> None:
    for t in TABLES:
        committed = seed_path(t.name)
        where = committed.relative_to(ROOT)
        assert committed.exists(), f"{where} missing: run scripts/generate_demo_data.py"
        assert committed.read_bytes() == (default_data / f"{t.name}.csv").read_bytes(), (
            f"{where} drifted from the generator: run scripts/generate_demo_data.py")


def test_scale_multiplies_leads_not_reference(tmp_path: Path, data: dict) -> None:
    generate(tmp_path, "--scale", "0.2")
    assert len(read(tmp_path, "crm_leads")) == round(len(data["crm_leads"]) * 0.2)
    for ref in ("ref_channels", "ref_utm_channel_map", "ads_campaigns", "ads_ads", "crm_sales_reps"):
        assert len(read(tmp_path, ref)) == len(data[ref])


# ---------------------------------------------------------------- contract
def test_headers_follow_contract(default_data: Path) -> None:
    for t in TABLES:
        with open(default_data / f"{t.name}.csv", newline="", encoding="utf-8") as f:
            raw = f.read()
        assert "\r" not in raw
        assert raw.split("\n", 1)[0].split(",") == t.column_names


def test_row_volume(data: dict) -> None:
    total = sum(len(rows) for rows in data.values())
    assert 40_000 <= total <= 60_000
    assert 15_000 <= len(data["mkt_touchpoints"]) <= 25_000
    assert all(data[t.name] for t in TABLES), "every table has rows"


def test_primary_keys_unique(data: dict) -> None:
    for t in TABLES:
        keys = [tuple(r[c] for c in t.primary_key) for r in data[t.name]]
        assert len(keys) == len(set(keys)), t.name


def test_required_enums_and_foreign_keys(data: dict) -> None:
    for t in TABLES:
        for col in t.columns:
            values = [r[col.name] for r in data[t.name]]
            if col.required:
                assert all(v != "" for v in values), f"{t.name}.{col.name} has empty values"
            if col.enum:
                assert {v.lower() for v in values if v} <= set(col.enum), f"{t.name}.{col.name}"
            if col.references:
                ref_table, ref_col = col.references.split(".")
                targets = {r[ref_col] for r in data[ref_table]}
                missing = {v for v in values if v and v not in targets}
                assert not missing, f"{t.name}.{col.name}: {sorted(missing)[:5]}"
            if col.type == "boolean":
                assert set(values) <= {"true", "false"}


def test_nothing_after_end_date(data: dict) -> None:
    for t in TABLES:
        for col in t.columns:
            for r in data[t.name]:
                v = r[col.name]
                if not v:
                    continue
                if col.type == "timestamp":
                    assert ts(v) <= END_TS, (t.name, col.name, v)
                elif col.type == "date":
                    assert date.fromisoformat(v) <= END_DATE, (t.name, col.name, v)


def test_money_non_negative_and_fx_positive(data: dict) -> None:
    assert all(float(r["spend_amount"]) >= 0 for r in data["ads_spend_daily"])
    assert all(float(r["mrr_amount"]) >= 0 for r in data["billing_subscription_events"])
    assert all(float(r["rate"]) > 0 for r in data["finance_fx_rates"])
    assert all(date.fromisoformat(r["rate_date"]).weekday() < 5 for r in data["finance_fx_rates"])


def test_every_currency_has_a_rate_before_first_use(data: dict) -> None:
    first_rate: dict[str, date] = {}
    for r in data["finance_fx_rates"]:
        assert r["to_currency"] == "USD"
        d = date.fromisoformat(r["rate_date"])
        first_rate[r["from_currency"]] = min(first_rate.get(r["from_currency"], d), d)
    uses = [(r["currency"], r["spend_date"]) for r in data["ads_spend_daily"]]
    uses += [(r["currency"], r["created_at"][:10]) for r in data["crm_opportunities"]]
    uses += [(r["currency"], r["event_date"]) for r in data["billing_subscription_events"]]
    uses += [(r["currency"], r["cost_month"]) for r in data["finance_costs"]]
    currencies = {c for c, _ in uses}
    assert {"USD", "EUR", "GBP"} <= currencies
    for cur, d in uses:
        if cur != "USD":
            assert cur in first_rate and first_rate[cur] <= date.fromisoformat(d), (cur, d)


def test_lead_status_histories(data: dict) -> None:
    created = {r["lead_id"]: ts(r["created_at"]) for r in data["crm_leads"]}
    history: dict[str, list[dict]] = defaultdict(list)
    for r in data["crm_lead_status_history"]:
        history[r["lead_id"]].append(r)
    assert set(history) == set(created)
    skipped = sqls = 0
    for lead_id, events in history.items():
        assert events[0]["status"] == "new" and ts(events[0]["changed_at"]) == created[lead_id]
        times = [ts(e["changed_at"]) for e in events]
        assert times == sorted(times)
        statuses = [e["status"] for e in events]
        assert len(statuses) == len(set(statuses))
        for e in events:
            assert (e["status"] == "disqualified") == bool(e["disqualification_reason"])
        if "sql" in statuses:
            sqls += 1
            skipped += "mql" not in statuses
    assert 0.08 <= skipped / sqls <= 0.2
    assert any("+" in r["created_at"][10:] or r["created_at"][19:20] == "-" for r in data["crm_leads"])


def test_opportunities_and_stage_histories(data: dict) -> None:
    reps = {r["rep_id"]: r for r in data["crm_sales_reps"]}
    opp_status = {(r["lead_id"], ts(r["changed_at"])) for r in data["crm_lead_status_history"]
                  if r["status"] == "opportunity"}
    stages: dict[str, list[dict]] = defaultdict(list)
    for r in data["crm_opportunity_stage_history"]:
        stages[r["opportunity_id"]].append(r)
    reopened = 0
    for o in data["crm_opportunities"]:
        events = stages[o["opportunity_id"]]
        assert (o["lead_id"], ts(o["created_at"])) in opp_status
        assert events[0]["stage"] == "prospecting" and ts(events[0]["changed_at"]) == ts(o["created_at"])
        times = [ts(e["changed_at"]) for e in events]
        assert times == sorted(times)
        assert o["stage"] == events[-1]["stage"] and o["owner_rep_id"] == events[-1]["owner_rep_id"]
        closed = o["stage"] in ("closed_won", "closed_lost")
        assert o["close_date"] == (events[-1]["changed_at"][:10] if closed else "")
        assert bool(o["lost_reason"]) == (o["stage"] == "closed_lost")
        assert o["currency"] in {"USD", "EUR", "GBP"} and float(o["amount"]) > 0
        reopened += sum(e["stage"] in ("closed_won", "closed_lost") for e in events) > 1
        for e in events:
            rep, d = reps[e["owner_rep_id"]], date.fromisoformat(e["changed_at"][:10])
            assert rep["role"] == "ae" and date.fromisoformat(rep["hired_date"]) <= d
            assert not rep["terminated_date"] or d <= date.fromisoformat(rep["terminated_date"])
    assert reopened >= 1
    assert any(o["close_date"] == "" for o in data["crm_opportunities"])
    assert any(len({e["owner_rep_id"] for e in ev}) > 1 for ev in stages.values())


def test_customers_and_subscriptions(data: dict) -> None:
    won = {o["opportunity_id"]: o for o in data["crm_opportunities"] if o["stage"] == "closed_won"}
    customers = data["billing_customers"]
    assert sorted(c["opportunity_id"] for c in customers) == sorted(won)
    events: dict[str, list[dict]] = defaultdict(list)
    for e in data["billing_subscription_events"]:
        events[e["customer_id"]].append(e)
    for c in customers:
        ev = events[c["customer_id"]]
        assert ev and ev[0]["event_type"] == "new"
        assert ev[0]["event_date"] >= won[c["opportunity_id"]]["close_date"]
        assert len({e["currency"] for e in ev}) == 1 and ev[0]["currency"] == won[c["opportunity_id"]]["currency"]
        assert [e["event_date"] for e in ev] == sorted(e["event_date"] for e in ev)
        for e in ev:
            assert (float(e["mrr_amount"]) == 0) == (e["event_type"] == "churn")


def test_touchpoints(data: dict) -> None:
    leads = {r["lead_id"]: r for r in data["crm_leads"]}
    ads = {a["ad_id"]: a["campaign_id"] for a in data["ads_ads"]}
    campaigns = {c["campaign_id"]: c for c in data["ads_campaigns"]}
    by_lead: dict[str, list[dict]] = defaultdict(list)
    for t in data["mkt_touchpoints"]:
        by_lead[t["lead_id"]].append(t)
        if t["touch_type"] == "ad_click":
            c = campaigns[ads[t["ad_id"]]]
            assert t["utm_campaign"] == c["utm_campaign"]
            d = t["touched_at"][:10]
            assert c["start_date"] <= d and (not c["end_date"] or d <= c["end_date"])
        else:
            assert t["ad_id"] == ""
    assert set(by_lead) == set(leads)
    ties = 0
    for lead_id, touches in by_lead.items():
        lead = leads[lead_id]
        creation = [t for t in touches if ts(t["touched_at"]) == ts(lead["created_at"])]
        assert any((t["utm_source"], t["utm_medium"], t["utm_campaign"]) ==
                   (lead["utm_source"], lead["utm_medium"], lead["utm_campaign"]) for t in creation)
        stamps = [t["touched_at"] for t in touches]
        ties += len(stamps) != len(set(stamps))
    assert ties > 0
    old = sum(1 for t in data["mkt_touchpoints"]
              if (ts(leads[t["lead_id"]]["created_at"]) - ts(t["touched_at"])).days > 90)
    assert old > 0


def test_utms_map_to_channels(data: dict) -> None:
    """Every utm pair maps to a channel: exact pair, '*' for the medium, or both empty (direct)."""
    exact = {(m["utm_source"], m["utm_medium"]) for m in data["ref_utm_channel_map"]}
    wildcard = {m["utm_medium"] for m in data["ref_utm_channel_map"] if m["utm_source"] == "*"}
    for table in ("crm_leads", "mkt_touchpoints"):
        for r in data[table]:
            pair = (r["utm_source"], r["utm_medium"])
            assert pair == ("", "") or pair in exact or pair[1] in wildcard, (table, pair)


def test_sales_org(data: dict) -> None:
    history: dict[str, list[dict]] = defaultdict(list)
    for h in data["crm_rep_team_history"]:
        history[h["rep_id"]].append(h)
    movers = [rows for rows in history.values() if len(rows) == 2]
    assert len(movers) == 1 and movers[0][0]["valid_to"] == movers[0][1]["valid_from"]
    assert sum(1 for r in data["crm_sales_reps"] if r["terminated_date"]) == 1
    assert len(data["crm_sales_teams"]) == 3
    assert set(TABLES_BY_NAME) == {t.name for t in TABLES}
