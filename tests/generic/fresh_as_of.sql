{#-
    fresh_as_of(column_name, max_age_days): freshness relative to the as-of
    date, not the wall clock.

    Fails (one row) when the newest value of `column_name` (a date or
    timestamp) is more than `max_age_days` days before the as-of date
    (int_as_of_date). So a table that stopped updating while the others went
    on fails, while re-running the project on old data does not. dbt's own
    `source freshness` compares to the wall clock and would fail on every
    historical data set.

    An empty model passes: a table with no rows is not stale, and the contract
    allows it (a system a company does not have, a history it does not export).
    The load and the run summary already say which tables and marts are empty,
    so a warning here would only blame the user for valid data.

    Severity warn by default: a stale table is a monitoring signal (the run
    summary lists it, exit code stays 0), not a reason to skip every mart
    downstream of it, which `dbt build` does after a failing test. A project
    that wants a hard stop sets `config: {severity: error}` on the test.
-#}
{% test fresh_as_of(model, column_name, max_age_days) %}

    {{ config(severity='warn') }}

    -- depends_on: {{ ref('int_as_of_date') }}

    with

    latest as (

        select max(cast({{ column_name }} as date)) as latest_date
        from {{ model }}

    ),

    checked as (

        select
            latest.latest_date,
            {{ as_of_date() }} as as_of_date,
            {{ max_age_days }} as max_age_days
        from latest

    )

    select * from checked
    where latest_date < {{ dbt.dateadd('day', -1 * max_age_days, 'as_of_date') }}

{% endtest %}
