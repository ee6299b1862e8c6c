{%- set pivot_currency = fx_pivot_currency() -%}

with

fx_rates as (

    select
        rate_date,
        from_currency,
        to_currency,
        rate
    from {{ ref('stg_finance__fx_rates') }}
    where
        rate_date <= {{ as_of_date() }}
        and rate > 0
        and from_currency <> to_currency

),

-- every quote in both directions; the quote as published wins over an
-- inverted one for the same pair and day
quotes_both_ways as (

    select
        rate_date,
        from_currency,
        to_currency,
        cast(rate as numeric(28, 12)) as rate,
        1 as quote_priority
    from fx_rates

    union all

    select
        rate_date,
        to_currency as from_currency,
        from_currency as to_currency,
        cast(cast(1 as numeric(28, 12)) / rate as numeric(28, 12)) as rate,
        2 as quote_priority
    from fx_rates

),

quotes_ranked as (

    select
        rate_date,
        from_currency,
        to_currency,
        rate,
        row_number() over (
            partition by rate_date, from_currency, to_currency
            order by quote_priority
        ) as quote_rank
    from quotes_both_ways

),

-- quotes into the two anchors a currency converts through: the reporting
-- currency itself (direct) and the pivot currency (triangulation)
anchor_quotes as (

    select
        rate_date,
        from_currency as currency,
        to_currency as anchor_currency,
        rate
    from quotes_ranked
    where
        quote_rank = 1
        and to_currency in ({{ reporting_currency() }}, {{ pivot_currency }})

),

currency_anchors as (

    select distinct
        currency,
        anchor_currency
    from anchor_quotes

),

currencies as (

    select from_currency as currency from fx_rates
    union
    select to_currency as currency from fx_rates
    union
    select {{ reporting_currency() }} as currency

),

days as (

    select date_day
    from {{ period_spine('day', '(select min(fx_rates.rate_date) from fx_rates)', as_of_date()) }}

),

anchor_days as (

    select
        days.date_day,
        currency_anchors.currency,
        currency_anchors.anchor_currency,
        anchor_quotes.rate_date as quoted_date
    from days
    cross join currency_anchors
    left join anchor_quotes
        on
            days.date_day = anchor_quotes.rate_date
            and currency_anchors.currency = anchor_quotes.currency
            and currency_anchors.anchor_currency = anchor_quotes.anchor_currency

),

-- forward fill: the latest quote on or before each day
anchor_days_filled as (

    select
        date_day,
        currency,
        anchor_currency,
        max(quoted_date) over (
            partition by currency, anchor_currency
            order by date_day
            rows between unbounded preceding and current row
        ) as last_quoted_date
    from anchor_days

),

anchor_rates_daily as (

    select
        anchor_days_filled.date_day,
        anchor_days_filled.currency,
        anchor_days_filled.anchor_currency,
        anchor_days_filled.last_quoted_date,
        anchor_quotes.rate
    from anchor_days_filled
    inner join anchor_quotes
        on
            anchor_days_filled.currency = anchor_quotes.currency
            and anchor_days_filled.anchor_currency = anchor_quotes.anchor_currency
            and anchor_days_filled.last_quoted_date = anchor_quotes.rate_date

),

rates_resolved as (

    select
        days.date_day as rate_date,
        currencies.currency,
        case
            when currencies.currency = {{ reporting_currency() }} then cast(1 as numeric(28, 12))
            when direct_rate.rate is not null then direct_rate.rate
            else cast(pivot_rate.rate / reporting_pivot_rate.rate as numeric(28, 12))
        end as rate_to_reporting,
        case
            when currencies.currency = {{ reporting_currency() }} then 'identity'
            when direct_rate.rate is not null then 'direct'
            when pivot_rate.rate is not null and reporting_pivot_rate.rate is not null then 'triangulated'
        end as rate_method,
        case
            when currencies.currency = {{ reporting_currency() }} then days.date_day
            when direct_rate.rate is not null then direct_rate.last_quoted_date
            when pivot_rate.last_quoted_date <= reporting_pivot_rate.last_quoted_date
                then pivot_rate.last_quoted_date
            else reporting_pivot_rate.last_quoted_date
        end as quoted_date
    from days
    cross join currencies
    left join anchor_rates_daily as direct_rate
        on
            days.date_day = direct_rate.date_day
            and currencies.currency = direct_rate.currency
            and direct_rate.anchor_currency = {{ reporting_currency() }}
    left join anchor_rates_daily as pivot_rate
        on
            days.date_day = pivot_rate.date_day
            and currencies.currency = pivot_rate.currency
            and pivot_rate.anchor_currency = {{ pivot_currency }}
    left join anchor_rates_daily as reporting_pivot_rate
        on
            days.date_day = reporting_pivot_rate.date_day
            and reporting_pivot_rate.currency = {{ reporting_currency() }}
            and reporting_pivot_rate.anchor_currency = {{ pivot_currency }}

),

final as (

    select
        rate_date,
        currency,
        rate_to_reporting,
        rate_method,
        quoted_date
    from rates_resolved
    where rate_to_reporting is not null

)

select * from final
