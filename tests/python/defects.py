"""Defective raw data for test_bad_input.py, derived from a copy of the demo seeds.

Nothing here is committed as a fixture file: every defect is planted in a
fresh copy of seeds/*.csv by code, so the fixtures follow the demo data.

- `plant_row_defects(dir)` plants every row-level defect at once, each in its
  own rows, and returns what the quarantine must hold for each: the raw table,
  the rule, the column and the row keys (cascades included: the stage history
  of a quarantined opportunity is quarantined as `quarantined_reference`).
- `FILE_DEFECTS` are file-level defects, one per data directory: the run must
  stop with exit 2 before dbt runs, with a message naming file and column.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kpi_pipeline.demo_files import copy_demo_data

PROJECT_DIR = Path(__file__).resolve().parents[2]
AS_OF = "2026-10-31"  # the demo data's last day; the defects run passes it as --as-of


def copy_seeds(dest: Path) -> Path:
    """The demo data set (seeds/demo/ and seeds/reference/) as one flat data directory."""
    return copy_demo_data(dest)


class Table:
    """One raw CSV as a header and a list of row dicts, written back on save()."""

    def __init__(self, data_dir: Path, name: str) -> None:
        self.path = data_dir / f"{name}.csv"
        with self.path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            self.header = list(reader.fieldnames or [])
            self.rows = list(reader)

    def save(self) -> None:
        with self.path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=self.header)
            writer.writeheader()
            writer.writerows(self.rows)

    def find(self, **values: str) -> dict[str, str]:
        return next(r for r in self.rows if all(r[k] == v for k, v in values.items()))


@dataclass
class Expected:
    """What the quarantine must hold for one planted defect."""

    kind: str
    table: str
    rule: str
    column: str
    row_keys: list[str]
    message: str = ""  # a fragment of the message of each of these rows
    notes: dict = field(default_factory=dict)


ROW_DEFECT_KINDS = (
    "duplicate_key",
    "duplicate_whole_row",
    "null_key",
    "missing_required_value",
    "unparseable_date",
    "unparseable_timestamp",
    "thousands_separator",
    "unparseable_integer",
    "unparseable_boolean",
    "enum_not_accepted",
    "negative_spend",
    "currency_without_fx_rate",
    "event_after_as_of",
    "closed_before_created",
    "opportunity_for_unknown_lead",
    "unknown_ad",
    "stage_backwards",
    "huge_outlier_amount",
)


def _iso(ts: dt.datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_z(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def plant_row_defects(data_dir: Path) -> dict[str, Expected]:
    """Plant every row-level defect in `data_dir` (a copy of the seeds); return the expectations."""
    expected: dict[str, Expected] = {}

    def expect(kind: str, table: str, rule: str, column: str, keys: list[str], message: str = "") -> None:
        expected[kind] = Expected(kind, table, rule, column, keys, message)

    # --- crm_leads: a second row for one lead (sorts after the original, so it loses);
    #     and time-zone offsets on other leads, which must parse, not quarantine
    leads = Table(data_dir, "crm_leads")
    original = leads.rows[100]
    copy = dict(original, company_name=original["company_name"] + " (imported twice)")
    leads.rows.insert(200, copy)
    expect("duplicate_key", "crm_leads", "duplicate_key", "lead_id", [f"lead_id={original['lead_id']}"],
           "occurs in 2 rows")
    offsets: dict[str, str] = {}
    for row in [r for r in leads.rows[300:] if r["created_at"].endswith("Z")][:20]:
        utc = _parse_z(row["created_at"])
        row["created_at"] = (utc + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+02:00")
        offsets[row["lead_id"]] = _iso(utc)
    leads.save()

    # --- ads_spend_daily: one defect per row
    spend = Table(data_dir, "ads_spend_daily")
    rows = spend.rows
    spend.rows.append(dict(rows[10]))
    expect("duplicate_whole_row", "ads_spend_daily", "duplicate_row", "spend_id",
           [f"spend_id={rows[10]['spend_id']}"], "exact copy")
    planted = {
        "unparseable_date": (20, "spend_date", "15/03/2025", "unparseable_value", "is not a date"),
        "thousands_separator": (30, "spend_amount", "1,234.50", "unparseable_value", "no thousands separators"),
        "unparseable_integer": (40, "clicks", "12.5", "unparseable_value", "is not a whole number"),
        "negative_spend": (50, "spend_amount", "-50.00", "negative_value", "must be >= 0"),
        "currency_without_fx_rate": (60, "currency", "JPY", "no_fx_rate", "no FX rate from 'JPY'"),
    }
    for kind, (index, column, value, rule, message) in planted.items():
        rows[index][column] = value
        expect(kind, "ads_spend_daily", rule, column, [f"spend_id={rows[index]['spend_id']}"], message)
    spend.save()

    # --- mkt_touchpoints
    touches = Table(data_dir, "mkt_touchpoints")
    touches.rows[5]["touchpoint_id"] = "  "
    expect("null_key", "mkt_touchpoints", "null_key", "touchpoint_id", ["touchpoint_id="],
           "primary key column touchpoint_id is empty")
    touches.rows[15]["touch_type"] = "tiktok_view"
    expect("enum_not_accepted", "mkt_touchpoints", "value_not_accepted", "touch_type",
           [f"touchpoint_id={touches.rows[15]['touchpoint_id']}"], "'tiktok_view' is not one of")
    with_ad = next(r for r in touches.rows[25:] if r["ad_id"])
    with_ad["ad_id"] = "AD-9999"
    expect("unknown_ad", "mkt_touchpoints", "unknown_reference", "ad_id",
           [f"touchpoint_id={with_ad['touchpoint_id']}"], "'AD-9999' is not in ads_ads.ad_id")
    touches.save()

    # --- crm_lead_status_history
    statuses = Table(data_dir, "crm_lead_status_history")
    statuses.rows[7]["status"] = ""
    expect("missing_required_value", "crm_lead_status_history", "missing_value", "status",
           [f"status_event_id={statuses.rows[7]['status_event_id']}"], "required column status is empty")
    statuses.rows[17]["changed_at"] = "yesterday"
    expect("unparseable_timestamp", "crm_lead_status_history", "unparseable_value", "changed_at",
           [f"status_event_id={statuses.rows[17]['status_event_id']}"], "is not an ISO 8601 timestamp")
    statuses.rows[27]["changed_at"] = "2027-01-15T10:00:00Z"
    expect("event_after_as_of", "crm_lead_status_history", "event_after_as_of", "changed_at",
           [f"status_event_id={statuses.rows[27]['status_event_id']}"], f"after the as-of date {AS_OF}")
    statuses.save()

    # --- ref_channels: a new channel nobody uses, with a boolean that is not one
    channels = Table(data_dir, "ref_channels")
    channels.rows.append({"channel_id": "defect_channel", "channel_name": "Defect", "channel_group": "paid",
                          "is_paid": "maybe"})
    expect("unparseable_boolean", "ref_channels", "unparseable_value", "is_paid",
           ["channel_id=defect_channel"], "is not a boolean")
    channels.save()

    # --- finance_costs
    costs = Table(data_dir, "finance_costs")
    costs.rows[12]["amount"] = "2500000000.00"
    expect("huge_outlier_amount", "finance_costs", "implausible_amount", "amount",
           [f"cost_id={costs.rows[12]['cost_id']}"], "larger than max_plausible_amount")
    costs.save()

    # --- crm_opportunities: two lost deals without a customer and never re-opened;
    #     their stage history follows them into quarantine (quarantined_reference)
    opportunities = Table(data_dir, "crm_opportunities")
    stages = Table(data_dir, "crm_opportunity_stage_history")
    customers = Table(data_dir, "billing_customers")
    with_customer = {r["opportunity_id"] for r in customers.rows}
    events: dict[str, list[dict[str, str]]] = {}
    for event in stages.rows:
        events.setdefault(event["opportunity_id"], []).append(event)

    def plain_lost(opp: dict[str, str]) -> bool:
        history = [e["stage"] for e in events.get(opp["opportunity_id"], [])]
        return (opp["stage"] == "closed_lost" and opp["opportunity_id"] not in with_customer
                and history.count("closed_lost") == 1 and history[-1] == "closed_lost")

    victims = [o for o in opportunities.rows if plain_lost(o)][:2]
    closed_early, orphan = victims
    created = _parse_z(closed_early["created_at"]).date()
    closed_early["close_date"] = (created - dt.timedelta(days=10)).isoformat()
    expect("closed_before_created", "crm_opportunities", "date_out_of_order", "close_date",
           [f"opportunity_id={closed_early['opportunity_id']}"], "is before created_at")
    orphan["lead_id"] = "L-9999999"
    expect("opportunity_for_unknown_lead", "crm_opportunities", "unknown_reference", "lead_id",
           [f"opportunity_id={orphan['opportunity_id']}"], "'L-9999999' is not in crm_leads.lead_id")
    # not a defect: an open deal without an amount, in a currency with no FX rate at all: it needs no
    # rate (nothing to convert), so it counts as a deal and is not quarantined (no_fx_rate is for amounts)
    amountless = next(o for o in opportunities.rows if o["stage"] not in ("closed_won", "closed_lost")
                      and o["opportunity_id"] not in with_customer and o not in victims)
    amountless["amount"] = ""
    amountless["currency"] = "XTS"  # ISO 4217's code for testing: no rate in any FX table
    opportunities.save()
    expected["_amountless_deal"] = Expected("_amountless_deal", "crm_opportunities", "", "", [],
                                            notes={"opportunity_id": amountless["opportunity_id"]})
    cascade = [f"stage_event_id={e['stage_event_id']}" for o in victims for e in events[o["opportunity_id"]]]
    expected["stage_history_of_quarantined_deals"] = Expected(
        "stage_history_of_quarantined_deals", "crm_opportunity_stage_history", "quarantined_reference",
        "opportunity_id", cascade, "is quarantined in crm_opportunities",
    )

    # --- crm_opportunity_stage_history: discovery after proposal with no close in between
    def backwards_candidate(history: list[dict[str, str]]) -> int | None:
        for i in range(len(history) - 1):
            if history[i]["stage"] == "proposal" and history[i + 1]["stage"] == "negotiation":
                return i
        return None

    victim_ids = {o["opportunity_id"] for o in victims}
    opp_id, index = next(
        (opp_id, i) for opp_id, history in events.items()
        if opp_id not in victim_ids and (i := backwards_candidate(history)) is not None
    )
    before, after = events[opp_id][index], events[opp_id][index + 1]
    middle = _parse_z(before["changed_at"]) + (_parse_z(after["changed_at"]) - _parse_z(before["changed_at"])) / 2
    stages.rows.append({"stage_event_id": "OSE-DEFECT-1", "opportunity_id": opp_id, "stage": "discovery",
                        "changed_at": _iso(middle.replace(microsecond=0)), "owner_rep_id": before["owner_rep_id"]})
    expect("stage_backwards", "crm_opportunity_stage_history", "stage_backwards", "stage",
           ["stage_event_id=OSE-DEFECT-1"], "goes back from proposal to discovery")
    stages.save()

    # --- crm_sales_teams: an extra column the contract does not know (warned, ignored)
    teams = Table(data_dir, "crm_sales_teams")
    teams.header.append("notes")
    for row in teams.rows:
        row["notes"] = "exported by hand"
    teams.save()

    expected["_tz_offsets"] = Expected("_tz_offsets", "crm_leads", "", "created_at", [], notes=offsets)
    return expected


# --- file-level defects: (name, mutate(data_dir), expected message fragments) ---------------------

def _empty_file(data: Path) -> None:
    (data / "crm_leads.csv").write_bytes(b"")


def _missing_column(data: Path) -> None:
    table = Table(data, "crm_leads")
    table.header.remove("segment")
    for row in table.rows:
        del row["segment"]
    table.save()


def _non_utf8(data: Path) -> None:
    path = data / "crm_leads.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b",", b",Caf\xe9 ", 1)  # latin-1 e-acute on line 5
    path.write_bytes(b"\n".join(lines))


def _unparseable_column(data: Path) -> None:
    table = Table(data, "ads_spend_daily")
    for row in table.rows:  # a US-format export: no value is YYYY-MM-DD
        year, month, day = row["spend_date"].split("-")
        row["spend_date"] = f"{month}/{day}/{year}"
    table.save()


def _ragged_line(data: Path) -> None:
    path = data / "finance_costs.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[9] = lines[9].rsplit(",", 1)[0]  # line 10 loses its last field
    path.write_text("\n".join(lines), encoding="utf-8")


def _semicolons(data: Path) -> None:
    path = data / "crm_sales_reps.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")


FILE_DEFECTS: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "empty_file": (_empty_file, ["crm_leads.csv is empty", "no header line"]),
    "missing_column": (_missing_column, ["crm_leads.csv lacks column(s) segment"]),
    "non_utf8_bytes": (_non_utf8, ["crm_leads.csv is not UTF-8", "byte 0xe9", "(line 5)"]),
    "unparseable_whole_column": (
        _unparseable_column,
        ["ads_spend_daily.csv column spend_date", "none of its 17314 values is a date", "line 2: '11/01/2024'"],
    ),
    "ragged_line": (_ragged_line, ["finance_costs.csv", "line 10 has 5", "6 fields of the header"]),
    "wrong_delimiter": (_semicolons, ["crm_sales_reps.csv lacks column(s)", "other than commas"]),
}
