"""Great Expectations in batches (issue 18): a suite validated batch by batch and merged
(`quality.batches.MergedResult`) gives the result of validating the whole frame at once, failing rows
and `mostly` included; the whole-table checks done in SQL instead (row count, grain uniqueness)
give the verdicts and counts of GX's own expectations; DuckDB rows are cut into batches of the
asked size; a refresh window scopes the row-wise checks to its rows. No warehouse build needed."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

gx = pytest.importorskip("great_expectations")
import great_expectations.expectations as gxe  # noqa: E402

from kpi_pipeline import quality  # noqa: E402
from kpi_pipeline.quality import batches as gx_batches, reads  # noqa: E402
from kpi_pipeline.quality import run as quality_run  # noqa: E402
from kpi_pipeline.artifacts import Mart  # noqa: E402
from kpi_pipeline.errors import PipelineError  # noqa: E402
from kpi_pipeline.quality.windows import Scope, WindowPlan, merge_rows, read_plan  # noqa: E402
from kpi_pipeline.warehouse import Warehouse  # noqa: E402

RESULT_KEYS = (
    "element_count", "unexpected_count", "unexpected_percent", "missing_count", "missing_percent",
    "unexpected_percent_total", "unexpected_percent_nonmissing", "partial_unexpected_list",
)


def _frame(rows: int = 1_000) -> pd.DataFrame:
    """Mostly valid rows with failures spread over the frame (nulls, negatives, rates above 1)."""
    ids = [None if i % 97 == 13 else i for i in range(rows)]
    amount = [None if i % 11 == 0 else (-float(i) if i % 53 == 7 else float(i)) for i in range(rows)]
    rate = [None if i % 17 == 0 else (1.5 if i % 41 == 3 else (i % 100) / 100) for i in range(rows)]
    channel = [["paid", "organic", "email", "bogus"][i % 4] if i % 29 else None for i in range(rows)]
    code = [f"C{i:04d}" if i % 61 else f"x{i}" for i in range(rows)]
    return pd.DataFrame({"id": ids, "amount": amount, "rate": rate, "channel": channel, "code": code})


def _suite(name: str, mostly: float | None = None) -> Any:
    extra = {"mostly": mostly} if mostly is not None else {}
    return gx.ExpectationSuite(name=name, expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="id", meta={"check": "grain column id is not null"}, **extra),
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, meta={"check": "amount >= 0"}, **extra),
        gxe.ExpectColumnValuesToBeBetween(column="rate", min_value=0, max_value=1, meta={"check": "rate"}, **extra),
        gxe.ExpectColumnValuesToBeInSet(column="channel", value_set=["paid", "organic", "email"], **extra),
        gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^C\d{4}$", **extra),
    ])


@pytest.fixture(scope="module")
def context() -> Any:
    quality.quiet_gx()
    return gx.get_context(mode="ephemeral")


_count = 0


def _validate(context: Any, suite: Any, frames: list[pd.DataFrame]) -> list[Any]:
    """GX's result of `suite` on each frame (one fresh asset per call)."""
    global _count
    _count += 1
    source = context.data_sources.add_pandas(f"src{_count}")
    definition = source.add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
    # a suite belongs to one context once added: validate a copy without ids
    suite = context.suites.add(gx.ExpectationSuite(name=f"{suite.name}_{_count}", expectations=[
        e.__class__(**{k: v for k, v in e.dict().items() if k not in {"id", "rendered_content"} and v is not None})
        for e in suite.expectations
    ]))
    out = []
    for frame in frames:
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        out.append(batch.validate(suite, result_format=quality.RESULT_FORMAT))
    return out


def _split(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return [frame.iloc[i:i + size].reset_index(drop=True) for i in range(0, len(frame), size)]


def _merged(context: Any, suite: Any, frame: pd.DataFrame, size: int) -> Any:
    merged = gx_batches.MergedResult(examples=quality.EXAMPLES)
    parts = _split(frame, size)
    for part, result in zip(parts, _validate(context, suite, parts)):
        merged.add(result, len(part))
    assert merged.batches == len(parts) and merged.rows == len(frame)
    return merged.result({"test": True})


def _same(value: Any, other: Any) -> bool:
    if isinstance(value, list) and isinstance(other, list):
        return len(value) == len(other) and all(_same(v, o) for v, o in zip(value, other))
    if isinstance(value, float) and isinstance(other, float):
        if math.isnan(value) or math.isnan(other):
            return math.isnan(value) and math.isnan(other)
        return math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-12)
    return value == other


def _assert_equal(whole: Any, merged: Any) -> None:
    assert merged.success == whole.success
    assert len(merged.results) == len(whole.results)
    for w, m in zip(whole.results, merged.results):
        label = f"{w.expectation_config.type}({w.expectation_config.kwargs.get('column')})"
        assert m.success == w.success, label
        assert m.expectation_config.type == w.expectation_config.type
        assert m.expectation_config.meta == w.expectation_config.meta
        for key in RESULT_KEYS:
            assert (key in m.result) == (key in w.result), (label, key)
            if key in w.result:
                assert _same(m.result[key], w.result[key]), (label, key, m.result[key], w.result[key])
    assert merged.statistics["successful_expectations"] == whole.statistics["successful_expectations"]
    assert merged.statistics["evaluated_expectations"] == whole.statistics["evaluated_expectations"]


@pytest.mark.parametrize("size", [1_000, 999, 250, 64, 7])
def test_merged_batches_equal_the_whole_frame_with_failing_rows(context: Any, size: int) -> None:
    frame = _frame()
    suite = _suite(f"fail_{size}")
    (whole,) = _validate(context, suite, [frame])
    assert not whole.success and all(not r.success for r in whole.results)  # every expectation has failures
    _assert_equal(whole, _merged(context, suite, frame, size))


@pytest.mark.parametrize("mostly", [0.5, 0.9, 0.95, 0.97, 0.99])
@pytest.mark.parametrize("size", [333, 50])
def test_merged_batches_equal_the_whole_frame_with_mostly(context: Any, mostly: float, size: int) -> None:
    frame = _frame()
    suite = _suite(f"mostly_{mostly}_{size}", mostly=mostly)
    (whole,) = _validate(context, suite, [frame])
    merged = _merged(context, suite, frame, size)
    _assert_equal(whole, merged)


def test_mostly_passes_overall_though_a_batch_fails(context: Any) -> None:
    # all failures in the first batch: that batch misses `mostly`, the whole frame does not
    frame = pd.DataFrame({"amount": [-1.0] * 5 + [1.0] * 95})
    suite = gx.ExpectationSuite(name="concentrated", expectations=[
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, mostly=0.9),
    ])
    (whole,) = _validate(context, suite, [frame])
    first = _validate(context, suite, [frame.iloc[:10]])[0]
    assert whole.success and not first.success
    _assert_equal(whole, _merged(context, suite, frame, 10))


def test_all_passing_and_all_null_batches_merge(context: Any) -> None:
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "amount": [None, None, 2.0, 3.0], "rate": [None, None, 0.1, 0.2],
                          "channel": ["paid"] * 4, "code": ["C0001"] * 4})
    suite = _suite("passing")
    (whole,) = _validate(context, suite, [frame])
    assert whole.success
    _assert_equal(whole, _merged(context, suite, frame, 2))


def test_examples_come_from_the_first_failing_rows_in_order(context: Any) -> None:
    frame = pd.DataFrame({"amount": [1.0, -1.0, 2.0, -2.0, -3.0, 4.0, -5.0, -6.0, -7.0, -8.0]})
    suite = gx.ExpectationSuite(name="examples", expectations=[
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0),
    ])
    merged = _merged(context, suite, frame, 3)
    assert merged.results[0].result["partial_unexpected_list"] == [-1.0, -2.0, -3.0, -5.0, -6.0]
    assert merged.results[0].result["unexpected_count"] == 7


def test_a_whole_table_expectation_is_refused(context: Any) -> None:
    frame = pd.DataFrame({"id": [1, 1, 2]})
    suite = gx.ExpectationSuite(name="unique", expectations=[gxe.ExpectColumnValuesToBeUnique(column="id")])
    merged = gx_batches.MergedResult(examples=5)
    (result,) = _validate(context, suite, [frame])
    with pytest.raises(PipelineError, match="cannot be validated in batches"):
        merged.add(result, len(frame))
    assert gx_batches.MergedResult(examples=5).result({}) is None  # nothing added: no result


# --------------------------------------------------------------------------- DuckDB batches


def test_duckdb_rows_are_cut_into_batches_of_the_asked_size() -> None:
    with duckdb.connect() as conn:
        conn.execute("create table t as select range as i, range * 2 as j from range(10000)")
        for size in (1, 999, 2048, 2049, 4096, 10_000, 25_000):
            if size == 1:
                sql = "select * from t where i < 5 order by i"
                total = 5
            else:
                sql = "select * from t order by i"
                total = 10_000
            frames = list(reads._batches(conn, sql, size))
            assert [len(f) for f in frames[:-1]] == [size] * (len(frames) - 1), size
            assert 0 < len(frames[-1]) <= size
            joined = pd.concat(frames, ignore_index=True)
            assert len(joined) == total and list(joined["i"]) == list(range(total))
        assert list(reads._batches(conn, "select * from t where false", 100)) == []


# --------------------------------------------------------------------------- the step on a small mart


def _mart(**meta: Any) -> Mart:
    return Mart(
        unique_id="model.p.fct_things", name="fct_things", schema="marts", alias="fct_things",
        path="models/marts/core/fct_things.sql", family="core", columns=(), meta=meta,
        grain=("thing_id", "day"), grain_source="meta.grain",
    )


def _warehouse(tmp_path: Path, rows: list[tuple[Any, ...]]) -> Warehouse:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.fct_things (thing_id integer, day date, spend double, win_rate double)")
        conn.executemany("insert into marts.fct_things values (?, ?, ?, ?)", rows)
    return Warehouse(target="duckdb", kind="duckdb", duckdb_path=path)


def _rows() -> list[tuple[Any, ...]]:
    start = dt.date(2024, 1, 1)
    rows = [(i % 50, start + dt.timedelta(days=i // 50), float(i), (i % 10) / 10) for i in range(2_000)]
    rows[3] = (None, rows[3][1], 1.0, 0.5)  # a null grain column
    rows[10] = (rows[10][0], rows[10][1], -5.0, 0.5)  # negative money
    rows[1_500] = (rows[1_500][0], rows[1_500][1], 2.0, 3.0)  # a rate above 1
    rows.append(rows[20])  # a duplicated grain (early)
    rows.append(rows[1_900])  # and a late one, inside the window
    rows.append(rows[1_900])
    return rows


def _by_check(report: quality.QualityReport) -> dict[str, quality.Outcome]:
    return {o.check: o for o in report.outcomes}


def _run(warehouse: Warehouse, tmp_path: Path, batch_rows: int, plan: WindowPlan | None = None,
         monkeypatch: pytest.MonkeyPatch | None = None) -> quality.QualityReport:
    if plan is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(quality_run, "read_plan", lambda *args, **kwargs: plan)
    lines: list[str] = []
    report = quality.run_quality(warehouse, [_mart()], {"model.p.fct_things"}, None, tmp_path / f"docs{batch_rows}",
                                 lines.append, invocation_id="inv", batch_rows=batch_rows)
    assert len(lines) == 1 and "fct_things" in lines[0]
    return report


def test_batches_and_sql_table_checks_give_the_whole_frame_verdicts(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path, _rows())
    whole = _run(warehouse, tmp_path, batch_rows=1_000_000)  # one frame, GX's own uniqueness expectation
    assert whole.checked["fct_things"]["method"] == "one frame"
    batched = _run(warehouse, tmp_path, batch_rows=300)
    assert batched.checked["fct_things"]["method"] == "batches" and batched.checked["fct_things"]["batches"] == 7
    a, b = _by_check(whole), _by_check(batched)
    assert set(a) == set(b)
    for check in a:
        assert a[check].success == b[check].success, check
        if a[check].unexpected_count is not None:
            assert a[check].unexpected_count == b[check].unexpected_count, check
    unique = "grain (thing_id, day) is unique"
    assert not b[unique].success and b[unique].unexpected_count == 5 and b[unique].computed_in == "SQL"
    assert b[unique].column == "thing_id,day" and len(b[unique].examples) == 2
    assert b["spend within [0, inf] (money is not negative)"].examples == (-5.0,)
    assert not b["grain column thing_id is not null"].success
    assert b["table is not empty"].success and b["table is not empty"].observed == 2_003
    assert "computed in SQL" in b[unique].describe_failure() and "5 unexpected value(s)" in b[unique].describe_failure()
    assert (tmp_path / "docs300" / "index.html").exists()  # the merged result has a Data Docs page


def test_a_refresh_window_checks_only_its_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = _warehouse(tmp_path, _rows())
    start = dt.date(2024, 1, 1) + dt.timedelta(days=1_500 // 50)  # day of row 1_500 (the rate above 1)
    plan = WindowPlan(invocation_id="inv", windows=merge_rows([("fct_things", "day", start)]))
    report = _run(warehouse, tmp_path, batch_rows=100, plan=plan, monkeypatch=monkeypatch)
    record = report.checked["fct_things"]
    assert record["scope"] == "window" and record["from"] == start.isoformat() and record["rows"] == 2_000 - 1_500 + 2
    checks = _by_check(report)
    assert checks["grain column thing_id is not null"].success  # the null is before the window
    assert checks["spend within [0, inf] (money is not negative)"].success  # so is the negative spend
    assert not checks["win_rate within [0, 1] (rate in [0, 1])"].success  # the bad rate is in it
    unique = checks["grain (thing_id, day) is unique"]
    assert not unique.success and unique.unexpected_count == 3  # only the window's duplicated key
    assert checks["table is not empty"].observed == 2_003  # the row count is of the whole table


def test_windows_and_the_whole_table_rule() -> None:
    windows = merge_rows([
        ("a", "day", dt.date(2024, 3, 5)), ("a", "day", "2024-03-01"),  # earliest start wins
        ("b", "day", None),  # rebuilt whole
        ("c", "day", dt.date(2024, 1, 1)), ("c", "month", dt.date(2024, 1, 1)),  # disagreeing columns
    ])
    assert windows["a"].start == dt.date(2024, 3, 1) and windows["b"].start is None and windows["c"].start is None
    plan = WindowPlan(invocation_id="x", windows=windows)
    assert plan.scope("a", ["day"]) == Scope(column="day", start=dt.date(2024, 3, 1))
    assert plan.scope("a", ["other"]).whole  # the window column is not a column of it
    assert plan.scope("b", ["day"]).whole and plan.scope("c", ["day"]).whole and plan.scope("z", ["day"]).whole
    assert WindowPlan(whole_reason="--full-checks").scope("a", ["day"]).reason == "--full-checks"
    with duckdb.connect() as conn:
        assert read_plan(conn, "duckdb", "x").whole_reason == "ops.refresh_windows is absent"
        assert read_plan(conn, "duckdb", None).whole_reason.startswith("the dbt invocation id is unknown")
        assert read_plan(conn, "duckdb", "x", "--full-refresh").whole_reason == "--full-refresh"
        conn.execute("create schema ops")
        conn.execute("create table ops.refresh_windows (invocation_id varchar, model_name varchar, "
                     "window_column varchar, window_start date, recorded_at timestamp)")
        conn.execute("insert into ops.refresh_windows values ('x', 'a', 'day', date '2024-02-01', now()), "
                     "('y', 'a', 'day', date '2020-01-01', now())")
        plan = read_plan(conn, "duckdb", "x")
        assert plan.whole_reason is None and plan.scope("a", ["day"]).start == dt.date(2024, 2, 1)


# --------------------------------------------------------------------------- PostgreSQL (SQL datasource)


def test_postgres_whole_table_and_window_give_the_same_verdicts_as_duckdb(tmp_path: Path) -> None:
    """On PostgreSQL GX's SQL datasource validates the whole table (its own uniqueness expectation) or a
    window (a query asset, row count and uniqueness in SQL): the verdicts of the DuckDB path."""
    from kpi_pipeline.pgcluster import postgres_available, throwaway_cluster

    if not postgres_available():
        pytest.skip("PostgreSQL server binaries not installed")
    psycopg2 = pytest.importorskip("psycopg2")
    rows = _rows()
    duck = _warehouse(tmp_path, rows)
    start = dt.date(2024, 1, 1) + dt.timedelta(days=1_500 // 50)
    with throwaway_cluster(database="gx_batches") as pg:
        with psycopg2.connect(**pg.connect_kwargs()) as conn, conn.cursor() as cur:
            cur.execute("create schema marts")
            cur.execute("create table marts.fct_things (thing_id integer, day date, spend double precision, "
                        "win_rate double precision)")
            cur.executemany("insert into marts.fct_things values (%s, %s, %s, %s)", rows)
            cur.execute("create schema ops")
            cur.execute("create table ops.refresh_windows (invocation_id varchar(64), model_name varchar(256), "
                        "window_column varchar(256), window_start date, recorded_at timestamp)")
            cur.execute("insert into ops.refresh_windows values ('inv', 'fct_things', 'day', %s, now())", (start,))
        warehouse = Warehouse(target="pg", kind="postgres", pg_host=pg.host, pg_port=pg.port, pg_user=pg.user,
                              pg_password=pg.password, pg_database="gx_batches")
        lines: list[str] = []
        whole = quality.run_quality(warehouse, [_mart()], {"model.p.fct_things"}, None, tmp_path / "pg_whole",
                                    lines.append, invocation_id="inv", whole_reason="--full-checks")
        window = quality.run_quality(warehouse, [_mart()], {"model.p.fct_things"}, None, tmp_path / "pg_window",
                                     lines.append, invocation_id="inv")
    assert whole.checked["fct_things"]["method"] == "SQL datasource" and whole.checked["fct_things"]["scope"] == "whole"
    assert window.checked["fct_things"] == {**window.checked["fct_things"], "scope": "window", "from": start.isoformat(),
                                            "method": "SQL datasource (query)"}
    duck_whole = _run(duck, tmp_path, batch_rows=1_000_000)
    a, b = _by_check(duck_whole), _by_check(whole)
    assert set(a) == set(b)
    for check in a:
        assert (a[check].success, a[check].unexpected_count) == (b[check].success, b[check].unexpected_count), check
    checks = _by_check(window)
    assert checks["grain column thing_id is not null"].success
    assert checks["spend within [0, inf] (money is not negative)"].success
    assert not checks["win_rate within [0, 1] (rate in [0, 1])"].success
    assert checks["grain (thing_id, day) is unique"].unexpected_count == 3
    assert checks["table is not empty"].observed == 2_003


def test_duckdb_memory_is_capped_during_the_step_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    with duckdb.connect() as conn:
        before = conn.execute("select current_setting('memory_limit')").fetchone()[0]
        monkeypatch.setenv("KPI_GX_DUCKDB_MEMORY", "256MB")
        with quality.duckdb_memory_limit(conn, "duckdb"):
            assert conn.execute("select current_setting('memory_limit')").fetchone()[0] == "244.1 MiB"
        assert conn.execute("select current_setting('memory_limit')").fetchone()[0] == before
        monkeypatch.setenv("KPI_GX_DUCKDB_MEMORY", "lots")
        with pytest.raises(PipelineError, match="KPI_GX_DUCKDB_MEMORY"):
            with quality.duckdb_memory_limit(conn, "duckdb"):
                pass


def test_the_batch_size_comes_from_kpi_gx_batch_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from kpi_pipeline.settings import DEFAULT_GX_BATCH_ROWS, gx_batch_rows

    monkeypatch.delenv("KPI_GX_BATCH_ROWS", raising=False)
    assert gx_batch_rows() == DEFAULT_GX_BATCH_ROWS == 200_000
    monkeypatch.setenv("KPI_GX_BATCH_ROWS", "50_000")
    assert gx_batch_rows() == 50_000
    for bad in ("0", "-3", "lots"):
        monkeypatch.setenv("KPI_GX_BATCH_ROWS", bad)
        with pytest.raises(PipelineError, match="KPI_GX_BATCH_ROWS"):
            gx_batch_rows()
    with pytest.raises(PipelineError, match="at least 1 row"):
        quality.run_quality(_warehouse(tmp_path, _rows()[:5]), [_mart()], {"model.p.fct_things"}, None,
                            tmp_path / "docs", print, batch_rows=0)
