{#-
    One row per customer and month (the rows of int_customer_months): the
    customer's MRR at the start and end of the month and its MRR-bridge
    movement, in the reporting currency. See doc block
    revenue_mrr_movements for the rules.
-#}
{{ config(enabled=kpi_areas_enabled('billing')) }}
with

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

with_previous as (

    select
        customer_id,
        period_month,
        valuation_date,
        currency,
        mrr,
        mrr_reporting,
        is_active,
        was_active_prev_month,
        mrr_prev_month_reporting,
        is_new,
        is_reactivated,
        is_churned,
        lag(valuation_date) over (
            partition by customer_id
            order by period_month
        ) as prev_valuation_date
    from customer_months

),

-- the month-end MRR valued at the start-of-month rate (constant currency):
-- the part of the MRR change that is the customer's own doing
restated as (

    select
        with_previous.*,
        case
            when with_previous.was_active_prev_month
                then {{ to_reporting_currency('with_previous.mrr', 'with_previous.currency', 'fx_at_start') }}
            else 0
        end as end_mrr_at_start_rate
    from with_previous
    {{ join_fx_rate('fx_at_start', 'with_previous.currency', 'with_previous.prev_valuation_date') }}

),

classified as (

    select
        customer_id,
        period_month,
        valuation_date,
        currency,
        mrr,
        was_active_prev_month as is_active_at_start,
        is_active as is_active_at_end,
        is_new,
        is_reactivated,
        is_churned,
        case when was_active_prev_month then mrr_prev_month_reporting else 0 end as start_mrr_reporting,
        case when is_active then mrr_reporting else 0 end as end_mrr_reporting,
        end_mrr_at_start_rate,
        case
            when is_new then 'new'
            when is_reactivated then 'reactivation'
            when is_churned then 'churn'
            when not is_active then 'inactive'
            when end_mrr_at_start_rate > mrr_prev_month_reporting then 'expansion'
            when end_mrr_at_start_rate < mrr_prev_month_reporting then 'contraction'
            else 'unchanged'
        end as movement_type
    from restated

),

movements as (

    select
        customer_id,
        period_month,
        valuation_date,
        currency,
        mrr,
        is_active_at_start,
        is_active_at_end,
        is_new,
        is_reactivated,
        is_churned,
        movement_type,
        start_mrr_reporting,
        case when movement_type = 'new' then end_mrr_reporting else 0 end as new_mrr,
        case
            when movement_type = 'expansion' then end_mrr_at_start_rate - start_mrr_reporting
            else 0
        end as expansion_mrr,
        case
            when movement_type = 'contraction' then start_mrr_reporting - end_mrr_at_start_rate
            else 0
        end as contraction_mrr,
        case when movement_type = 'churn' then start_mrr_reporting else 0 end as churned_mrr,
        case when movement_type = 'reactivation' then end_mrr_reporting else 0 end as reactivation_mrr,
        -- currency translation of a retained customer's MRR between the two rates
        case
            when movement_type in ('expansion', 'contraction', 'unchanged')
                then end_mrr_reporting - end_mrr_at_start_rate
            else 0
        end as fx_effect_mrr,
        end_mrr_reporting,
        end_mrr_at_start_rate,
        -- the start cohort's MRR at the end of the month, at the start rate
        -- (net revenue retention numerator) and capped per customer at its
        -- start MRR (gross revenue retention numerator)
        case when is_active_at_start then end_mrr_at_start_rate else 0 end as retained_mrr,
        case
            when is_active_at_start then least(end_mrr_at_start_rate, start_mrr_reporting)
            else 0
        end as retained_mrr_capped
    from classified

),

-- money as numeric(20, 6) like the facts, whatever branch produced it
final as (

    select
        customer_id,
        period_month,
        valuation_date,
        currency,
        mrr,
        is_active_at_start,
        is_active_at_end,
        is_new,
        is_reactivated,
        is_churned,
        movement_type,
        cast(start_mrr_reporting as numeric(20, 6)) as start_mrr_reporting,
        cast(new_mrr as numeric(20, 6)) as new_mrr,
        cast(expansion_mrr as numeric(20, 6)) as expansion_mrr,
        cast(contraction_mrr as numeric(20, 6)) as contraction_mrr,
        cast(churned_mrr as numeric(20, 6)) as churned_mrr,
        cast(reactivation_mrr as numeric(20, 6)) as reactivation_mrr,
        cast(fx_effect_mrr as numeric(20, 6)) as fx_effect_mrr,
        cast(end_mrr_reporting as numeric(20, 6)) as end_mrr_reporting,
        cast(end_mrr_at_start_rate as numeric(20, 6)) as end_mrr_at_start_rate,
        cast(retained_mrr as numeric(20, 6)) as retained_mrr,
        cast(retained_mrr_capped as numeric(20, 6)) as retained_mrr_capped
    from movements

)

select * from final
