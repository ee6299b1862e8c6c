{#-
    Helpers of the incremental models (see docs/architecture.md, "Incremental models").

    An incremental run reprocesses a window of days: from the latest event date
    the model already holds, minus var incremental_lookback_days (default 3, for
    rows that arrive late), up to the as-of date. The latest date the model
    holds is never after the previous run's as-of date, so the window always
    covers every day that became visible since the previous run.
-#}

{#- incremental_lookback_days(): var incremental_lookback_days as an integer (default 3). -#}
{% macro incremental_lookback_days() -%}
    {%- set days = var('incremental_lookback_days', 3) | int -%}
    {%- if days < 0 -%}
        {{ exceptions.raise_compiler_error('var incremental_lookback_days must be >= 0, got ' ~ days) }}
    {%- endif -%}
    {{ return(days) }}
{%- endmacro %}


{#- incremental_window_start(date_column): the first day an incremental run of
    the current model reprocesses: max(date_column) in the existing table
    ({{ this }}) minus the lookback; an empty table gives 1900-01-01
    (everything). Only meaningful inside `if is_incremental()`.
    While the run executes it is a date literal (one query, see
    query_date_literal): a constant lets the warehouse push the filter into the
    scan instead of joining every row with a scalar subquery. -#}
{% macro incremental_window_start(date_column) -%}
    {%- set query -%}
        select
            cast(
                {{ dbt.dateadd(
                    'day',
                    -1 * incremental_lookback_days(),
                    'coalesce(max(' ~ date_column ~ "), cast('1900-01-01' as date))"
                ) }} as date
            ) as window_start
        from {{ this }}
    {%- endset -%}
    {{ return(query_date_literal(query)) }}
{%- endmacro %}


{#- query_date_literal(query): the value of a one-row, one-column date query as
    a SQL date literal, queried when dbt executes the model (run_query); while
    parsing (nothing to query yet) the query itself as a scalar subquery.
    Only for queries on {{ this }} inside `if is_incremental()`: unit tests
    (which mock refs and never run the incremental branch here) must not reach
    it. -#}
{% macro query_date_literal(query) -%}
    {%- if execute -%}
        {%- set value = run_query(query).columns[0].values()[0] -%}
        {%- if value is none -%}
            {{ exceptions.raise_compiler_error('query_date_literal: the query returned no date: ' ~ query) }}
        {%- endif -%}
        {{ return("cast('" ~ (value | string)[:10] ~ "' as date)") }}
    {%- else -%}
        {{ return('(' ~ query ~ ')') }}
    {%- endif -%}
{%- endmacro %}


{#- leads_with_activity_since(window_start, with_touches=false): a query of lead_ids (one column, distinct)
    whose lifecycle may have changed since window_start: leads created, lead status changes, and opportunity
    creations and stage changes (via the opportunity's lead) on a day in [window_start, as-of date], and with
    `with_touches` the leads touched then (int_lead_activity; without, int_lead_funnel_activity: the lifecycle
    does not wait for the touches' checks). The per-lead models recompute these leads entirely. Models calling
    it need `-- depends_on:` comments for that model and int_as_of_date: dbt
    does not see refs inside `if is_incremental()` while parsing. -#}
{% macro leads_with_activity_since(window_start, with_touches=false) -%}
    select distinct activity.lead_id
    from {{ ref('int_lead_activity' if with_touches else 'int_lead_funnel_activity') }} as activity
    where
        activity.activity_date >= {{ window_start }}
        and activity.activity_date <= {{ as_of_date() }}
{%- endmacro %}
