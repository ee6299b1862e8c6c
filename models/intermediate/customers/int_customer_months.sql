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
        '(select min(first_active_months.first_active_month) from first_active_months)',
        '(select as_of.as_of_month from as_of)'
    ) }}

),

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
        max(month_last_events.event_month) over (
            partition by customer_months.customer_id
            order by customer_months.period_month
            rows between unbounded preceding and current row
        ) as last_event_month
    from customer_months
    left join month_last_events
        on
            customer_months.customer_id = month_last_events.customer_id
            and customer_months.period_month = month_last_events.event_month

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
        customer_id,
        period_month,
        valuation_date,
        mrr,
        currency,
        mrr_reporting,
        is_active,
        coalesce(
            lag(is_active) over (partition by customer_id order by period_month),
            false
        ) as was_active_prev_month,
        cast(
            coalesce(lag(mrr_reporting) over (partition by customer_id order by period_month), 0)
            as numeric(20, 6)
        ) as mrr_prev_month_reporting,
        -- active months before this one
        coalesce(
            sum(case when is_active then 1 else 0 end) over (
                partition by customer_id
                order by period_month
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as prior_active_months
    from converted

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

)

select * from final
