{#-
    Incremental by month (issue 27): a refresh recomputes every customer's rows of the months from the
    window's month (the month of the latest valuation_date held minus incremental_lookback_days) to the
    as-of month, and replaces those months whole (delete+insert on period_month). The month before is
    recomputed too, only to give the first month its previous month (lag); the months before that are
    read from the table held: how many active months each customer had (is_new), and, from the events,
    each customer's latest event before them (the forward fill). The previous as-of month (valued at the
    as-of date then, at its month end now) is always in the window.
-#}
{{ config(enabled=kpi_areas_enabled('billing')) }}
{{ config(
    materialized='incremental',
    unique_key='period_month',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
) }}
{% call keyed_incremental_rows('period_month') -%}
{%- if is_incremental() %}
{%- set first_month = month_start(incremental_window_start('valuation_date')) %}
{%- set from_month = 'cast(' ~ dbt.dateadd('month', -1, first_month) ~ ' as date)' %}
{%- else %}
{%- set first_month = '(select min(first_active_months.first_active_month) from first_active_months)' %}
{%- endif %}
with

subscription_events as (

    select
        subscription_event_id,
        customer_id,
        event_date,
        {{ month_start('event_date') }} as event_month,
        mrr_amount,
        currency
    from {{ ref('int_subscription_events_checked') }}
    where event_date <= {{ as_of_date() }}

),

as_of as (

    select
        as_of_date,
        {{ month_start('as_of_date') }} as as_of_month
    from {{ ref('int_as_of_date') }}

),

-- the customer's MRR at the end of a month is the MRR after its last event
month_last_events_ranked as (

    select
        customer_id,
        event_month,
        mrr_amount,
        currency,
        row_number() over (
            partition by customer_id, event_month
            order by event_date desc, subscription_event_id desc
        ) as event_rank
    from subscription_events

),

month_last_events as (

    select
        customer_id,
        event_month,
        mrr_amount,
        currency
    from month_last_events_ranked
    where event_rank = 1

),

first_active_months as (

    select
        customer_id,
        min(event_month) as first_active_month
    from subscription_events
    where mrr_amount > 0
    group by customer_id

),

months as (

    select date_month
    from {{ period_spine(
        'month',
        from_month if is_incremental() else '(select min(first_active_months.first_active_month) from first_active_months)',
        '(select as_of.as_of_month from as_of)'
    ) }}

),
{% if is_incremental() %}

-- each customer's latest month with an event before the months recomputed (the forward fill's start)
last_event_before as (

    select
        customer_id,
        max(event_month) as event_month
    from month_last_events
    where event_month < {{ from_month }}
    group by customer_id

),

-- each customer's active months before the months recomputed, as held
active_months_before as (

    select
        customer_id,
        sum(case when is_active then 1 else 0 end) as active_months
    from {{ this }}
    where period_month < {{ from_month }}
    group by customer_id

),
{% endif %}

customer_months as (

    select
        first_active_months.customer_id,
        months.date_month as period_month
    from first_active_months
    inner join months
        on first_active_months.first_active_month <= months.date_month

),

-- forward fill: the month of the latest event on or before each month
customer_months_filled as (

    select
        customer_months.customer_id,
        customer_months.period_month,
        {% if is_incremental() %}
        coalesce(
            max(month_last_events.event_month) over (
                partition by customer_months.customer_id
                order by customer_months.period_month
                rows between unbounded preceding and current row
            ),
            last_event_before.event_month
        ) as last_event_month
        {% else %}
        max(month_last_events.event_month) over (
            partition by customer_months.customer_id
            order by customer_months.period_month
            rows between unbounded preceding and current row
        ) as last_event_month
        {% endif %}
    from customer_months
    left join month_last_events
        on
            customer_months.customer_id = month_last_events.customer_id
            and customer_months.period_month = month_last_events.event_month
    {% if is_incremental() %}
    left join last_event_before
        on customer_months.customer_id = last_event_before.customer_id
    {% endif %}

),

customer_months_valued as (

    select
        customer_months_filled.customer_id,
        customer_months_filled.period_month,
        -- month end, or the as-of date for the current, partial month
        case
            when customer_months_filled.period_month = as_of.as_of_month then as_of.as_of_date
            else {{ dbt.last_day('customer_months_filled.period_month', 'month') }}
        end as valuation_date,
        cast(month_last_events.mrr_amount as numeric(20, 6)) as mrr,
        month_last_events.currency
    from customer_months_filled
    cross join as_of
    inner join month_last_events
        on
            customer_months_filled.customer_id = month_last_events.customer_id
            and customer_months_filled.last_event_month = month_last_events.event_month

),

converted as (

    select
        customer_months_valued.customer_id,
        customer_months_valued.period_month,
        customer_months_valued.valuation_date,
        customer_months_valued.mrr,
        customer_months_valued.currency,
        {{ to_reporting_currency('customer_months_valued.mrr', 'customer_months_valued.currency', 'fx_at_month_end') }}
            as mrr_reporting,
        customer_months_valued.mrr > 0 as is_active
    from customer_months_valued
    {{ join_fx_rate('fx_at_month_end', 'customer_months_valued.currency', 'customer_months_valued.valuation_date') }}

),

with_history as (

    select
        converted.customer_id,
        converted.period_month,
        converted.valuation_date,
        converted.mrr,
        converted.currency,
        converted.mrr_reporting,
        converted.is_active,
        coalesce(
            lag(converted.is_active) over (partition by converted.customer_id order by converted.period_month),
            false
        ) as was_active_prev_month,
        cast(
            coalesce(
                lag(converted.mrr_reporting) over (
                    partition by converted.customer_id order by converted.period_month
                ),
                0
            )
            as numeric(20, 6)
        ) as mrr_prev_month_reporting,
        -- active months before this one
        coalesce(
            sum(case when converted.is_active then 1 else 0 end) over (
                partition by converted.customer_id
                order by converted.period_month
                rows between unbounded preceding and 1 preceding
            ),
            0
        ){% if is_incremental() %} + coalesce(active_months_before.active_months, 0){% endif %} as prior_active_months
    from converted
    {% if is_incremental() %}
    left join active_months_before
        on converted.customer_id = active_months_before.customer_id
    {% endif %}

),

final as (

    select
        customer_id,
        period_month,
        valuation_date,
        mrr,
        currency,
        mrr_reporting,
        is_active,
        was_active_prev_month,
        mrr_prev_month_reporting,
        is_active and prior_active_months = 0 as is_new,
        is_active and not was_active_prev_month and prior_active_months > 0 as is_reactivated,
        not is_active and was_active_prev_month as is_churned
    from with_history
    -- a refresh recomputed the month before its window only for the first month's previous month
    where period_month >= {{ first_month }}

)

select * from final
{%- endcall %}
