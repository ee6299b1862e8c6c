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
    expected.update(plant_export_defects(data_dir))
    return expected


# the defects of real exports (issue "Real exports"), quarantined (in EXPORT_DEFECT_KINDS) or not
EXPORT_DEFECT_KINDS = (
    "time_zone_unknown_name",
    "time_zone_ambiguous_abbreviation",
    "timestamp_infinity",
    "timestamp_epoch_word",
    "date_1970_placeholder",
    "date_9999_placeholder",
    "control_character_shown_escaped",
    "overlapping_team_periods",
    "status_before_lead_created",
    "amount_without_currency",
    "deal_without_any_date",
    "closed_deal_without_close_date",
)


def plant_export_defects(data_dir: Path) -> dict[str, Expected]:
    """The row-level defects real exports carry, in rows without children (touches, spend rows, status
    changes, rep-team periods, new deals), so nothing cascades; plus values that must parse, not
    quarantine (time zone names and abbreviations, invisible characters, a close time, an empty
    segment, a won and a lost stage change at one time), and columns the file lacks or names in
    another case."""
    from zoneinfo import ZoneInfo

    expected: dict[str, Expected] = {}

    def expect(kind: str, table: str, rule: str, column: str, keys: list[str], message: str = "") -> None:
        expected[kind] = Expected(kind, table, rule, column, keys, message)

    # --- touchpoints: time zones, placeholder words, invisible characters
    touches = Table(data_dir, "mkt_touchpoints")
    pool = [r for r in touches.rows[2000:] if r["touched_at"].endswith("Z") and r["ad_id"] == ""]
    converted: dict[str, str] = {}
    ny, tz_row, pst_row = pool[0], pool[1], pool[2]
    utc = _parse_z(ny["touched_at"]).replace(tzinfo=dt.timezone.utc)
    ny["touched_at"] = utc.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M:%S") + " America/New_York"
    converted[ny["touchpoint_id"]] = _iso(utc.replace(tzinfo=None))
    utc = _parse_z(tz_row["touched_at"]).replace(tzinfo=dt.timezone.utc)
    tz_row["touched_at"] = utc.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%dT%H:%M:%S") + " Europe/Berlin"
    converted[tz_row["touchpoint_id"]] = _iso(utc.replace(tzinfo=None))
    utc = _parse_z(pst_row["touched_at"])
    pst_row["touched_at"] = (utc - dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S") + " PST"  # fixed -08:00
    converted[pst_row["touchpoint_id"]] = _iso(utc)
    expected["_time_zone_names"] = Expected("_time_zone_names", "mkt_touchpoints", "", "touched_at", [],
                                            notes=converted)
    for kind, row, value, message in (
        ("time_zone_unknown_name", pool[3], pool[3]["touched_at"][:19].replace("T", " ") + " Mars/Olympus",
         "is not an ISO 8601 timestamp"),
        ("time_zone_ambiguous_abbreviation", pool[4], pool[4]["touched_at"][:19] + " IST",
         "is not an ISO 8601 timestamp"),
        ("timestamp_infinity", pool[5], "infinity", "'infinity' is not an ISO 8601 timestamp"),
        ("timestamp_epoch_word", pool[6], "epoch", "'epoch' is not an ISO 8601 timestamp"),
    ):
        row["touched_at"] = value
        expect(kind, "mkt_touchpoints", "unparseable_value", "touched_at", [f"touchpoint_id={row['touchpoint_id']}"],
               message)
    tab = pool[7]
    tab["touch_type"] = tab["touch_type"] + "\t"
    expect("control_character_shown_escaped", "mkt_touchpoints", "value_not_accepted", "touch_type",
           [f"touchpoint_id={tab['touchpoint_id']}"], "<U+0009>")
    invisible = pool[8]
    invisible["lead_id"] = invisible["lead_id"] + "\u200b"  # a zero-width space: the same lead
    expected["_invisible_key"] = Expected("_invisible_key", "mkt_touchpoints", "", "lead_id", [],
                                          notes={"touchpoint_id": invisible["touchpoint_id"]})
    touches.save()

    # --- spend: a 1970 placeholder date
    spend = Table(data_dir, "ads_spend_daily")
    row = spend.rows[500]
    row["spend_date"] = "1970-01-01"
    expect("date_1970_placeholder", "ads_spend_daily", "implausible_date", "spend_date",
           [f"spend_id={row['spend_id']}"], "outside the plausible dates 2000-01-01 to 2099-12-31")
    spend.save()

    # --- lead status changes: a 9999 placeholder, a change before its lead was created
    leads = {r["lead_id"]: r for r in Table(data_dir, "crm_leads").rows}
    statuses = Table(data_dir, "crm_lead_status_history")
    row = statuses.rows[1000]
    row["changed_at"] = "9999-12-31T00:00:00Z"
    expect("date_9999_placeholder", "crm_lead_status_history", "implausible_date", "changed_at",
           [f"status_event_id={row['status_event_id']}"], "outside the plausible dates")
    early = next(r for r in statuses.rows[1100:] if r["status"] == "mql" and r["lead_id"] in leads
                 and leads[r["lead_id"]]["created_at"].endswith("Z"))
    early["changed_at"] = _iso(_parse_z(leads[early["lead_id"]]["created_at"]) - dt.timedelta(days=1))
    expect("status_before_lead_created", "crm_lead_status_history", "before_reference", "changed_at",
           [f"status_event_id={early['status_event_id']}"], "is before the created_at of crm_leads")
    statuses.save()

    # --- rep-team history: a second period of a rep that starts inside the first one
    periods = Table(data_dir, "crm_rep_team_history")
    first = periods.rows[0]
    start = dt.date.fromisoformat(first["valid_from"]) + dt.timedelta(days=10)
    periods.rows.append({"rep_id": first["rep_id"], "team_id": first["team_id"], "valid_from": start.isoformat(),
                         "valid_to": ""})
    expect("overlapping_team_periods", "crm_rep_team_history", "overlapping_period", "valid_from",
           [f"rep_id={first['rep_id']}, valid_from={start.isoformat()}"], "the periods overlap")
    periods.save()

    # --- new deals without children (no stage history, no customer), on existing leads and reps
    deals = Table(data_dir, "crm_opportunities")
    stages = Table(data_dir, "crm_opportunity_stage_history")
    template = next(o for o in deals.rows if o["stage"] == "closed_won" and o["currency"] == "USD")
    created = "2026-03-01T09:00:00Z"
    new = []
    new.append(dict(template, opportunity_id="OPP-DEFECT-NOCUR", created_at=created, currency="", stage="proposal",
                    close_date=""))
    expect("amount_without_currency", "crm_opportunities", "missing_value", "currency",
           ["opportunity_id=OPP-DEFECT-NOCUR"], "currency is empty, but amount has a value")
    new.append(dict(template, opportunity_id="OPP-DEFECT-NODATE", created_at="", close_date="", stage="discovery"))
    expect("deal_without_any_date", "crm_opportunities", "missing_value", "created_at",
           ["opportunity_id=OPP-DEFECT-NODATE"], "created_at is empty, and so is close_date")
    # a won deal with no close date and no stage history: it closed on no known day, so it is neither open
    # pipeline nor revenue of any month; quarantined, not counted as open
    new.append(dict(template, opportunity_id="OPP-DEFECT-WONNODATE", created_at=created, stage="closed_won",
                    close_date=""))
    expect("closed_deal_without_close_date", "crm_opportunities", "missing_value", "close_date",
           ["opportunity_id=OPP-DEFECT-WONNODATE"], "close_date is empty, but stage is closed_won")
    # not defects: a close with its time (no stage history: the deal closes on it), a won and a lost stage
    # change at one time (the deal's own stage, won, breaks the tie), no created time but a stage history
    new.append(dict(template, opportunity_id="OPP-DEFECT-CLOSETIME", created_at=created, stage="closed_won",
                    close_date="2026-03-10T18:04:00Z"))
    new.append(dict(template, opportunity_id="OPP-DEFECT-TIE", created_at=created, stage="closed_won",
                    close_date="2026-03-12"))
    stages.rows.append({"stage_event_id": "OSE-DEFECT-TIE-1", "opportunity_id": "OPP-DEFECT-TIE",
                        "stage": "closed_won", "changed_at": "2026-03-12T15:00:00Z",
                        "owner_rep_id": template["owner_rep_id"]})
    stages.rows.append({"stage_event_id": "OSE-DEFECT-TIE-2", "opportunity_id": "OPP-DEFECT-TIE",
                        "stage": "closed_lost", "changed_at": "2026-03-12T15:00:00Z",
                        "owner_rep_id": template["owner_rep_id"]})
    new.append(dict(template, opportunity_id="OPP-DEFECT-NOCREATED", created_at="", stage="closed_won",
                    close_date="2026-04-20"))
    stages.rows.append({"stage_event_id": "OSE-DEFECT-NOCREATED-1", "opportunity_id": "OPP-DEFECT-NOCREATED",
                        "stage": "prospecting", "changed_at": "2026-04-02T11:30:00Z",
                        "owner_rep_id": template["owner_rep_id"]})
    stages.rows.append({"stage_event_id": "OSE-DEFECT-NOCREATED-2", "opportunity_id": "OPP-DEFECT-NOCREATED",
                        "stage": "closed_won", "changed_at": "2026-04-20T10:00:00Z",
                        "owner_rep_id": template["owner_rep_id"]})
    deals.rows += new
    deals.save()
    stages.save()

    # --- leads: an empty segment (unknown), a no-break space after one (smb), the header `Country`, no
    #     industry column at all; ads: no ad_format column
    leads_table = Table(data_dir, "crm_leads")
    unknown, nbsp = leads_table.rows[1500], leads_table.rows[1501]
    unknown["segment"] = ""
    nbsp["segment"] = nbsp["segment"] + "\u00a0"
    expected["_segments"] = Expected("_segments", "crm_leads", "", "segment", [], notes={
        unknown["lead_id"]: "unknown", nbsp["lead_id"]: nbsp["segment"].strip("\u00a0").lower()})
    leads_table.header = ["Country" if h == "country" else h for h in leads_table.header if h != "industry"]
    for row in leads_table.rows:
        row["Country"] = row.pop("country")
        row.pop("industry", None)
    leads_table.save()
    ads = Table(data_dir, "ads_ads")
    ads.header.remove("ad_format")
    for row in ads.rows:
        row.pop("ad_format")
    ads.save()
    return expected


# --- file-level defects: (name, mutate(data_dir), expected message fragments) ---------------------

def _empty_file(data: Path) -> None:
    (data / "crm_leads.csv").write_bytes(b"")


def _missing_column(data: Path) -> None:
    table = Table(data, "crm_leads")
    table.header.remove("created_at")
    for row in table.rows:
        del row["created_at"]
    table.save()


def _ambiguous_case_header(data: Path) -> None:
    """`Amount` (in thousands, from another system) before `amount`: which one is the contract's?"""
    table = Table(data, "crm_opportunities")
    index = table.header.index("amount")
    table.header.insert(index, "Amount")
    for row in table.rows:
        row["Amount"] = f"{float(row['amount']) / 1000:.3f}" if row["amount"] else ""
    table.save()


def _ambiguous_spacing_header(data: Path) -> None:
    table = Table(data, "crm_leads")
    table.header.append("Lead ID")
    for row in table.rows:
        row["Lead ID"] = row["lead_id"]
    table.save()


def _nul_byte(data: Path) -> None:
    path = data / "crm_sales_reps.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ",\x00", 1)  # line 4
    path.write_text("\n".join(lines), encoding="utf-8")


def _field_too_large(data: Path) -> None:
    path = data / "crm_sales_teams.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace(",", ',"' + "x" * (17 * 1024 * 1024) + '",', 1)  # line 3, one field of 17 MiB
    path.write_text("\n".join(lines), encoding="utf-8")


def _unclosed_quote(data: Path) -> None:
    path = data / "finance_costs.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[7] = lines[7].replace(",", ',"never closed', 1)  # line 8
    path.write_text("\n".join(lines), encoding="utf-8")


def _partial_source_system(data: Path) -> None:
    (data / "billing_customers.csv").unlink()  # billing_subscription_events.csv is still there


def _required_column_empty(data: Path) -> None:
    table = Table(data, "crm_lead_status_history")
    for row in table.rows:
        row["changed_at"] = ""
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
    "missing_column": (_missing_column, ["crm_leads.csv lacks column(s) created_at"]),
    "ambiguous_case_header": (_ambiguous_case_header, [
        "crm_opportunities.csv has columns 'Amount' and 'amount'", "differ only in case or spacing"]),
    "ambiguous_spacing_header": (_ambiguous_spacing_header, [
        "crm_leads.csv has columns 'lead_id' and 'Lead ID'", "keep one"]),
    "nul_byte": (_nul_byte, ["crm_sales_reps.csv holds 1 NUL byte(s) (\\x00)", "line 4"]),
    "field_too_large": (_field_too_large, ["crm_sales_teams.csv", "line 3: a field is longer than 16 MiB"]),
    "unclosed_quote": (_unclosed_quote, ["finance_costs.csv", "line 8: a quoted field starts on this line and is never closed"]),
    "required_column_empty": (_required_column_empty, [
        "crm_lead_status_history.csv column changed_at is required but empty on every line"]),
    "non_utf8_bytes": (_non_utf8, ["crm_leads.csv is not UTF-8", "byte 0xe9", "(line 5)"]),
    "unparseable_whole_column": (
        _unparseable_column,
        ["ads_spend_daily.csv column spend_date", "none of its 17314 values is a date", "line 2: '11/01/2024'"],
    ),
    "ragged_line": (_ragged_line, ["finance_costs.csv", "line 10 has 5", "6 fields of the header"]),
    "wrong_delimiter": (_semicolons, ["crm_sales_reps.csv lacks column(s)", "other than commas"]),
}
