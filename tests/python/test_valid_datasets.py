"""Valid data is green (issue 23, "the class, tested"): every data set the contract allows runs the whole job.

The data sets are derived from the demo data by tests/python/valid_datasets.py, from contract.py and
the loader's rules alone. Three full runs (`kpi-pipeline run --data-dir`, quality and report included),
one per data set, each serving every assertion below:

- `no_optional_columns`: every absent_ok column dropped from every file;
- `optional_columns_empty`: every optional column empty wherever no other rule needs its value;
- `one_lead_no_optional_systems`: one lead; no ads, marketing, billing or finance export, no targets,
  no channel files (the project's defaults), the CRM's histories, reps, teams and deals header-only.
  It also carries the assertions of the former CRM-only run of
  test_real_exports.test_a_data_set_with_some_systems_only_builds_what_it_can (crm_and_fx).

Each run must end with exit 0, every model of the project built and none skipped, no test or
expectation failed, nothing quarantined, the report written, no message that blames the user for what
the contract allows (BLAMING below), and KPI values equal to an independent computation straight from
the files (rawdata.RawData on the data directory; nothing read from a dbt model but the marts compared).
The generators themselves are unit-tested first (no dbt).
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kpi_pipeline import load as loader  # noqa: E402
from kpi_pipeline.contract import TABLES, TABLES_BY_NAME  # noqa: E402
from kpi_pipeline.demo_files import copy_demo_data  # noqa: E402
from rawdata import RawData, month_start, to_utc  # noqa: E402
from test_pipeline_cli import Run, run_pipeline  # noqa: E402
import valid_datasets as vd  # noqa: E402

# ---------------------------------------------------------------- the generators (no dbt)


@pytest.fixture()
def demo_dir(tmp_path: Path) -> Path:
    return copy_demo_data(tmp_path / "data")


def test_without_optional_columns_drops_every_absent_ok_column(demo_dir: Path) -> None:
    left = vd.without_optional_columns(demo_dir)
    expected = {t.name: [c.name for c in t.columns if c.absent_ok] for t in TABLES if any(c.absent_ok for c in t.columns)}
    assert left.absent_columns == expected and expected
    for table in TABLES:
        header, _rows = vd.read_csv(demo_dir, table.name)
        assert header == [c.name for c in table.columns if not c.absent_ok], table.name
    assert vd.file_problems(demo_dir) == []
    # an absent created_at leaves the open deals out (no close date: required_without), and their stage history
    assert set(left.dropped_rows) == {"crm_opportunities", "crm_opportunity_stage_history"}, left.dropped_rows
    _header, deals = vd.read_csv(demo_dir, "crm_opportunities")
    assert deals and all(d["close_date"].strip() for d in deals)
    # the loader reads each one as empty, saying it is optional
    warnings = [w for raw in loader.discover(demo_dir) for w in loader.check_file(raw).warnings]
    for name, columns in expected.items():
        assert f"{name}.csv has no column(s) {', '.join(columns)}: read as empty (optional in the contract)" in warnings


def test_with_optional_columns_empty_empties_every_optional_column_where_allowed(demo_dir: Path) -> None:
    left = vd.with_optional_columns_empty(demo_dir)
    assert vd.file_problems(demo_dir) == []
    for table in TABLES:
        header, rows = vd.read_csv(demo_dir, table.name)
        for column in table.columns:
            filled = [r for r in rows if r[column.name].strip()]
            if column.required:
                assert len(filled) == len(rows), f"{table.name}.{column.name} is required"
                continue
            for row in filled:  # a value left only where a rule of the contract needs it
                reasons = []
                if column.required_when and row[column.required_when[0]].strip().lower() in column.required_when[1]:
                    reasons.append("required_when")
                if column.required_with and row[column.required_with].strip():
                    reasons.append("required_with")
                if column.required_without and not row[column.required_without].strip():
                    reasons.append("required_without")
                if table.no_overlap and column.name == table.no_overlap[2]:
                    reasons.append("no_overlap")  # a period followed by another one of its partition
                assert reasons, f"{table.name}.{column.name} kept a value no rule needs: {row}"
    opportunities = TABLES_BY_NAME["crm_opportunities"]
    assert set(left.empty_columns[opportunities.name]) == {c.name for c in opportunities.columns if not c.required
                                                           and c.name != "close_date"}
    # required_without keeps one of the pair on every row; required_with empties both sides
    _header, rows = vd.read_csv(demo_dir, opportunities.name)
    for column in opportunities.columns:
        if column.required_without:
            assert all(r[column.name].strip() or r[column.required_without].strip() for r in rows)
        if column.required_with:
            assert all(r[column.name].strip() or not r[column.required_with].strip() for r in rows)
    # every optional column of the demo that had a value lost it somewhere, or a rule needs it on every row
    emptied = {(t, c) for t, cols in left.empty_columns.items() for c in cols}
    for table in TABLES:
        original = pd.read_csv(vd_seed(table.name), dtype=str, keep_default_na=False)
        for column in table.columns:
            if not column.required and (original[column.name].str.strip() != "").any():
                assert (table.name, column.name) in emptied or left.kept_values[table.name].get(column.name), (
                    table.name, column.name)


def vd_seed(name: str) -> Path:
    from kpi_pipeline.demo_files import seed_path

    return seed_path(name)


def test_without_optional_systems_leaves_out_every_system_a_company_may_lack(demo_dir: Path) -> None:
    left = vd.without_optional_systems(demo_dir)
    assert set(left.absent_systems) == {"ads", "marketing", "billing", "finance"}
    assert {"ref_kpi_targets", "ref_channels", "ref_utm_channel_map"} <= set(left.absent_tables)
    assert set(left.header_only_tables) == {
        "crm_lead_status_history", "crm_opportunity_stage_history", "crm_rep_team_history"}
    files = {raw.table.name: raw for raw in loader.discover(demo_dir)}  # the loader accepts it
    assert len(files) == len(TABLES)
    for name in left.absent_tables:
        assert files[name].default_note, name
    for system in left.absent_systems:
        assert all(files[t.name].absent_from for t in TABLES if t.source == system)
    assert vd.file_problems(demo_dir) == []


def test_smallest_is_one_lead(demo_dir: Path) -> None:
    left = vd.smallest(demo_dir)
    for table in vd.present_tables(demo_dir):
        _header, rows = vd.read_csv(demo_dir, table.name)
        assert len(rows) == (1 if table is vd.LEADS else 0), table.name
    assert set(left.header_only_tables) == {t.name for t in TABLES if t.source == vd.LEADS.source} - {vd.LEADS.name}
    assert vd.file_problems(demo_dir) == []


# ---------------------------------------------------------------- the runs

DATA_SETS = {
    "no_optional_columns": (vd.without_optional_columns,),
    "optional_columns_empty": (vd.with_optional_columns_empty,),
    "one_lead_no_optional_systems": (vd.smallest,),  # smallest() leaves out the optional systems too
}


@dataclass
class DataSet:
    name: str
    data: Path
    left: list[vd.LeftOut]
    run: Run


_RUNS: dict[str, DataSet] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """One full run per data set, on first use (so `-k` builds only the data sets it selects)."""

    def get(name: str) -> DataSet:
        if name not in _RUNS:
            work = tmp_path_factory.mktemp(name)
            data = copy_demo_data(work / "data")
            left = [generate(data) for generate in DATA_SETS[name]]
            _RUNS[name] = DataSet(name, data, left, run_pipeline(work, "--data-dir", str(data), unit_tests=False))
        return _RUNS[name]

    return get


NAMES = list(DATA_SETS)


def enabled_models(run: Run) -> set[str]:
    manifest = json.loads((run.out.parent / "target" / "manifest.json").read_text())
    return {uid for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["config"].get("enabled", True)}


@pytest.mark.parametrize("name", NAMES)
def test_the_run_is_green_and_builds_every_model(built, name: str) -> None:
    ds = built(name)
    run = ds.run
    assert run.code == 0, run.stdout[-5000:] + run.stderr[-3000:]
    summary = run.summary
    assert summary["status"] == "success" and summary["exit_code"] == 0, summary["status"]
    dbt = summary["dbt"]
    for kind in ("models", "tests", "unit_tests", "seeds"):
        bucket = dbt.get(kind, {})
        assert bucket.get("failed", 0) == bucket.get("errored", 0) == bucket.get("skipped", 0) == 0, (kind, bucket)
    assert dbt["models"]["passed"] == len(enabled_models(run)), dbt["models"]
    assert summary["expectations"]["failed"] == 0 and summary["expectations"]["passed"] > 0, summary["expectations"]
    assert summary["failures"] == [] and summary["error"] is None
    assert summary["quarantined_rows"] == 0, summary["quarantine"]
    # the report is written
    report = Path(summary["report"]["path"])
    assert report.is_file() and report.stat().st_size > 100_000, summary["report"]
    with duckdb.connect(str(run.db), read_only=True) as conn:
        assert conn.execute("select status, exit_code from ops.pipeline_runs").fetchall() == [("success", 0)]


# A message blames the user for what the contract allows when it says, of a data set the contract accepts,
# that something failed, was wrong or stale, or was set aside: a dbt test that warns or fails (not_null,
# column_checks, relationships, accepted values, freshness, a reconciliation), rows quarantined, an expectation or step
# that failed, an internal error. Informative notes stay allowed: a system or file that is absent and
# loaded empty, a column read as empty "(optional in the contract)", a mart or chart with no data.
BLAMING = (
    re.compile(r"\b(FAIL|FAILED|ERROR|ERRORED)\b"),
    re.compile(r"\bWARN\b.*\b(test|not_null|column_checks|relationships|accepted_values|unique|freshness|stale|assert_)", re.I),
    re.compile(r"quarantin", re.I),
    re.compile(r"internal error|Traceback", re.I),
    re.compile(r"\b(invalid|violat|broke|bad)\b", re.I),
)


def blaming_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        # progress lines of nodes that passed (a name may say "quarantine"), and the quarantine summary of none
        if re.match(r"^\[\s*(\d+/\d+|unit \d+)\] OK\b", line) or re.match(
                r"^\s*(no row quarantined|quarantined rows: 0 |quarantine \(docs/quarantine.md\):$)", line):
            continue
        if any(p.search(line) for p in BLAMING):
            lines.append(line)
    return lines


@pytest.mark.parametrize("name", NAMES)
def test_no_message_blames_the_user(built, name: str) -> None:
    run = built(name).run
    summary = run.summary
    assert summary["dbt"]["tests"]["warned"] == 0, [
        line for line in run.stdout.splitlines() if re.search(r"\bWARN \d+ test\b", line)]
    assert blaming_lines(run.stderr) == [], run.stderr[-3000:]
    assert blaming_lines(run.stdout) == [], "\n".join(blaming_lines(run.stdout))
    assert [n for n in summary["notes"] if blaming_lines(n)] == [], summary["notes"]


# ---------------------------------------------------------------- KPI values, independently


def as_ts(values: pd.Series) -> pd.Series:
    """A mapped column as timestamps, also when the map was empty (pandas then gives floats of NaN)."""
    return pd.to_datetime(values) if values.notna().any() else pd.Series(pd.NaT, index=values.index,
                                                                         dtype="datetime64[ns]")


class Reference:
    """The KPI totals per month straight from the files of a data directory (rawdata.RawData), by the
    spec's rules; a table whose file is absent is empty, an absent column is empty (the contract)."""

    def __init__(self, data: Path) -> None:
        self.raw = RawData(seeds_dir=data)
        self.data = data

    def table(self, name: str) -> pd.DataFrame:
        columns = TABLES_BY_NAME[name].column_names
        if not (self.data / f"{name}.csv").is_file():
            if name in loader.REFERENCE_DEFAULTS:
                return RawData().table(name) if name != "ref_kpi_targets" else pd.DataFrame(columns=columns)
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        frame = self.raw.table(name)
        for column in columns:  # an absent column reads as empty
            if column not in frame:
                frame[column] = pd.NA
        return frame

    def ts(self, name: str, column: str) -> pd.Series:
        values = self.table(name)[column]
        if values.notna().any():
            return to_utc(values)
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")

    @property
    def as_of(self) -> pd.Timestamp:
        opps = self.table("crm_opportunities")
        closed = opps["stage"].str.strip().str.lower().isin(("closed_won", "closed_lost"))
        dates = [
            self.ts("crm_leads", "created_at"), self.ts("mkt_touchpoints", "touched_at"),
            pd.to_datetime(self.table("ads_spend_daily")["spend_date"]),
            self.ts("crm_lead_status_history", "changed_at"), self.ts("crm_opportunity_stage_history", "changed_at"),
            self.ts("crm_opportunities", "created_at"), self.ts("crm_opportunities", "close_date")[closed],
        ]
        return max(d.max() for d in dates if d.notna().any()).normalize()

    def months(self) -> list[pd.Timestamp]:
        return list(pd.date_range(self.leads()["created_month"].min(), self.as_of.to_period("M").to_timestamp(),
                                  freq="MS"))

    def leads(self) -> pd.DataFrame:
        leads = self.table("crm_leads")
        leads["created_at"] = self.ts("crm_leads", "created_at")
        leads = leads[leads["created_at"].dt.normalize() <= self.as_of].copy()
        leads["created_month"] = month_start(leads["created_at"])
        return leads

    def deals(self) -> pd.DataFrame:
        """Deals with their KPI creation time (created_at, else the first stage change, else the close date)
        and their final state as of the as-of date (the latest stage change; without one, the deal's own
        stage and close date)."""
        opps = self.table("crm_opportunities")
        opps["stage"] = opps["stage"].str.strip().str.lower()
        opps["close_at"] = self.ts("crm_opportunities", "close_date")
        history = self.table("crm_opportunity_stage_history")
        history["changed_at"] = self.ts("crm_opportunity_stage_history", "changed_at")
        history["stage"] = history["stage"].str.strip().str.lower()
        first = history.groupby("opportunity_id")["changed_at"].min()
        if opps.empty:
            return opps.assign(kpi_created_at=pd.Series(dtype="datetime64[ns]"), final_stage=pd.Series(dtype=object),
                               closed_at=pd.Series(dtype="datetime64[ns]"), close_month=pd.Series(dtype="datetime64[ns]"),
                               amount_reporting=pd.Series(dtype=float))
        opps["kpi_created_at"] = self.ts("crm_opportunities", "created_at").fillna(
            as_ts(opps["opportunity_id"].map(first))).fillna(opps["close_at"])
        opps = opps[opps["kpi_created_at"].dt.normalize() <= self.as_of].copy()
        history = history[history["changed_at"].dt.normalize() <= self.as_of]
        last = history.sort_values(["opportunity_id", "changed_at", "stage_event_id"]).groupby("opportunity_id").tail(1)
        last = last.set_index("opportunity_id")
        has_history = opps["opportunity_id"].isin(last.index)
        opps["final_stage"] = opps["opportunity_id"].map(last["stage"]).where(has_history, opps["stage"])
        opps["closed_at"] = as_ts(opps["opportunity_id"].map(last["changed_at"])).where(has_history, opps["close_at"])
        opps = opps[opps["closed_at"].isna() | (opps["closed_at"].dt.normalize() <= self.as_of)
                    | ~opps["final_stage"].isin(("closed_won", "closed_lost"))]
        opps["close_month"] = month_start(opps["closed_at"].dt.normalize())
        opps["amount_reporting"] = [
            0.0 if pd.isna(a) or pd.isna(cur) else round(float(a) * self.raw.rate_to_reporting(cur, c.normalize()), 6)
            for a, cur, c in zip(opps["amount"], opps["currency"], opps["closed_at"])
        ]
        return opps

    def mql_months(self) -> pd.Series:
        """Month of each lead's MQL: its first mql event, else its SQL (first sql event, else its opportunity:
        the first opportunity event, else its first deal's creation)."""
        leads = self.leads()
        events = self.table("crm_lead_status_history")
        events["changed_at"] = self.ts("crm_lead_status_history", "changed_at")
        events["status"] = events["status"].str.strip().str.lower()
        events = events[events["changed_at"].dt.normalize() <= self.as_of]
        firsts = events.groupby(["lead_id", "status"])["changed_at"].min().unstack()
        deals = self.deals()
        first_deal = deals.groupby("lead_id")["kpi_created_at"].min() if len(deals) else {}

        def first(status: str) -> pd.Series:
            if status in firsts:
                return as_ts(leads["lead_id"].map(firsts[status].to_dict()))
            return pd.Series(pd.NaT, index=leads.index, dtype="datetime64[ns]")

        opportunity_at = first("opportunity").fillna(as_ts(leads["lead_id"].map(dict(first_deal))))
        mql_at = first("mql").fillna(first("sql").fillna(opportunity_at))
        return month_start(mql_at.dropna())

    def spend(self) -> pd.DataFrame:
        spend = self.table("ads_spend_daily")
        spend["spend_date"] = pd.to_datetime(spend["spend_date"])
        spend = spend[spend["spend_date"] <= self.as_of].copy()
        spend["spend_month"] = month_start(spend["spend_date"])
        spend["amount_reporting"] = self.raw.convert(spend["spend_amount"], spend["currency"], spend["spend_date"]).round(6) \
            if len(spend) else pd.Series(dtype=float)
        return spend

    def expected(self) -> pd.DataFrame:
        """Per month: leads, spend, cost per lead, MQLs, won and lost deals, won amount (revenue)."""
        months = self.months()
        leads = self.leads().groupby("created_month").size()
        spend = self.spend().groupby("spend_month")["amount_reporting"].sum()
        mqls = self.mql_months().value_counts()
        deals = self.deals()
        closed = deals[deals["final_stage"].isin(("closed_won", "closed_lost"))]
        won = closed[closed["final_stage"] == "closed_won"]
        frame = pd.DataFrame({"period_month": months})
        frame["new_leads"] = [int(leads.get(m, 0)) for m in months]
        frame["marketing_spend"] = [float(spend.get(m, 0.0)) for m in months]
        frame["cost_per_lead"] = [s / n if n else None for s, n in zip(frame["marketing_spend"], frame["new_leads"])]
        frame["new_mqls"] = [int(mqls.get(m, 0)) for m in months]
        frame["won_count"] = [int((won["close_month"] == m).sum()) for m in months]
        frame["lost_count"] = [int(((closed["close_month"] == m) & (closed["final_stage"] == "closed_lost")).sum())
                               for m in months]
        frame["revenue"] = [float(won.loc[won["close_month"] == m, "amount_reporting"].sum()) for m in months]
        return frame


ACTUAL = """
select lead.period_month, lead.new_leads, lead.marketing_spend, lead.cost_per_lead, mql.new_mqls,
       win.won_count, win.lost_count, revenue.revenue, revenue.won_deals
from marts.kpi_cost_per_lead as lead
left join marts.kpi_mqls as mql
    on mql.period_month = lead.period_month and mql.dimension_type = 'total'
left join marts.kpi_win_rate as win
    on win.period_month = lead.period_month and win.dimension_type = 'total'
left join marts.kpi_revenue as revenue
    on revenue.period_month = lead.period_month and revenue.dimension_type = 'total'
where lead.dimension_type = 'total'
order by 1
"""


def close(actual: object, expected: object) -> bool:
    missing = [v is None or (isinstance(v, float) and math.isnan(v)) for v in (actual, expected)]
    if any(missing):
        return all(missing)
    return math.isclose(float(actual), float(expected), rel_tol=1e-6, abs_tol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_kpis_equal_an_independent_computation_from_the_files(built, name: str) -> None:
    ds = built(name)
    assert ds.run.code == 0 or (ds.run.out / "run_summary.json").exists(), ds.run.stderr[-2000:]
    reference = Reference(ds.data)
    expected = reference.expected()
    with duckdb.connect(str(ds.run.db), read_only=True) as conn:
        as_of = conn.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]
        actual = conn.execute(ACTUAL).df()
        fct_leads = conn.execute("select count(*) from marts.fct_leads").fetchone()[0]
    assert pd.Timestamp(as_of) == reference.as_of
    assert fct_leads == len(reference.leads())
    actual["period_month"] = pd.to_datetime(actual["period_month"])
    assert list(actual["period_month"]) == list(expected["period_month"])
    mismatches = []
    for (_i, got), (_j, want) in zip(actual.iterrows(), expected.iterrows()):
        for column in ("new_leads", "marketing_spend", "cost_per_lead", "new_mqls", "won_count", "lost_count",
                       "revenue"):
            if not close(got[column], want[column]):
                mismatches.append(f"{want['period_month']:%Y-%m} {column}: mart {got[column]!r}, files {want[column]!r}")
        if not close(got["won_deals"], want["won_count"]):
            mismatches.append(f"{want['period_month']:%Y-%m} won_deals: mart {got['won_deals']!r}, files {want['won_count']!r}")
    assert not mismatches, "\n".join(mismatches[:30])
    # the reference is not vacuous: leads everywhere, MQLs and closes in the data sets that have deals
    assert expected["new_leads"].sum() == len(reference.leads()) > 0
    if name != "one_lead_no_optional_systems":
        assert expected["new_mqls"].sum() > 0 and expected["won_count"].sum() > 0


def test_one_lead_is_one_lead_in_its_month_and_zero_everywhere_else(built) -> None:
    ds = built("one_lead_no_optional_systems")
    _header, rows = vd.read_csv(ds.data, vd.LEADS.name)
    month = pd.Timestamp(rows[0]["created_at"][:7] + "-01")
    with duckdb.connect(str(ds.run.db), read_only=True) as conn:
        per_month = conn.execute("select period_month, new_leads, marketing_spend from marts.kpi_cost_per_lead "
                                 "where dimension_type = 'total' order by 1").fetchall()
        by_dimension = conn.execute("select dimension_type, dimension_value, sum(new_leads) from marts.kpi_cost_per_lead "
                                    "group by 1, 2 having sum(new_leads) <> 0 order by 1, 2").fetchall()
        counts = {mart: conn.execute(f"select count(*) from marts.{mart}").fetchone()[0]
                  for mart in ("fct_leads", "fct_opportunities", "fct_touchpoints", "fct_customers")}
        revenue = conn.execute("select coalesce(sum(revenue), 0) from marts.kpi_revenue").fetchone()[0]
    assert [(pd.Timestamp(m), n) for m, n, _s in per_month if n] == [(month, 1)]
    assert all(s == 0 for _m, _n, s in per_month)
    assert all(n == 1 for _t, _v, n in by_dimension) and ("total", "all", 1) in by_dimension
    assert counts == {"fct_leads": 1, "fct_opportunities": 0, "fct_touchpoints": 0, "fct_customers": 0}
    assert revenue == 0


def test_a_crm_only_data_set_says_which_systems_it_lacks(built) -> None:
    """The CRM-only data set (formerly test_real_exports' crm_and_fx run): every absent system is named, its
    tables are loaded empty as optional, the marts that need it are empty with a note naming what is
    absent, and the CRM's marts are built."""
    ds = built("one_lead_no_optional_systems")
    run = ds.run
    assert run.code == 0, run.stdout[-4000:] + run.stderr[-3000:]
    for source in ds.left[0].absent_systems:
        assert f"has no {source} export" in run.stdout
        assert f"empty table (the {source} system is optional)" in run.stdout, run.stdout[-4000:]
    for table in ds.left[0].absent_tables:  # an absent file is not "loaded ... (0 rows)"
        assert f"loaded raw.{table} from" not in run.stdout
    summary = run.summary
    assert summary["expectations"]["failed"] == 0
    empty = [note for note in summary["notes"] if " is empty: " in note]
    assert any("absent or empty" in note for note in empty), summary["notes"]
    assert not any("as its input" in note for note in summary["notes"]), summary["notes"]
    assert summary["row_counts"]["marts.kpi_win_rate"] > 0
