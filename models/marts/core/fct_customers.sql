{#-
    One row per customer: its acquisition (int_customers_acquired: the first subscription event with MRR > 0,
    the source channel of its original lead), the first MRR in the reporting currency at the acquisition
    date's rate, and its state on the as-of date (int_customer_months).
-#}
{{ config(enabled=kpi_areas_enabled('billing')) }}
with

customers_acquired as (

    select * from {{ ref('int_customers_acquired') }}

),

subscription_events as (

    select
        subscription_event_id,
        customer_id,
        event_date,
        mrr_amount
    from {{ ref('int_subscription_events_checked') }}
    where event_date <= {{ as_of_date() }}

),

customer_month_states as (

    select * from {{ ref('int_customer_months') }}

),

as_of as (

    select {{ month_start('as_of_date') }} as as_of_month
    from {{ ref('int_as_of_date') }}

),

latest_events as (

    select
        customer_id,
        event_date,
        mrr_amount,
        row_number() over (
            partition by customer_id
            order by event_date desc, subscription_event_id desc
        ) as event_rank
    from subscription_events

),

state_as_of as (

    select
        customer_month_states.customer_id,
        customer_month_states.is_active,
        customer_month_states.mrr_reporting
    from customer_month_states
    inner join as_of
        on customer_month_states.period_month = as_of.as_of_month

),

final as (

    select
        customers_acquired.customer_id,
        customers_acquired.lead_id,
        customers_acquired.opportunity_id,
        customers_acquired.company_name,
        customers_acquired.country,
        customers_acquired.segment,
        customers_acquired.created_at,
        customers_acquired.acquisition_date,
        customers_acquired.acquisition_month,
        customers_acquired.acquisition_channel_id,
        customers_acquired.first_currency,
        cast(customers_acquired.first_mrr_amount as numeric(20, 6)) as first_mrr,
        {{ to_reporting_currency(
            'customers_acquired.first_mrr_amount', 'customers_acquired.first_currency', 'fx_at_acquisition'
        ) }} as first_mrr_reporting,
        cast(coalesce(state_as_of.mrr_reporting, 0) as numeric(20, 6)) as mrr_reporting_as_of,
        coalesce(state_as_of.is_active, false) as is_active_as_of,
        -- the day the MRR went to 0, for customers inactive on the as-of date
        case
            when customers_acquired.acquisition_date is not null and not coalesce(state_as_of.is_active, false)
                then latest_events.event_date
        end as churned_date
    from customers_acquired
    left join latest_events
        on
            customers_acquired.customer_id = latest_events.customer_id
            and latest_events.event_rank = 1
    left join state_as_of
        on customers_acquired.customer_id = state_as_of.customer_id
    {{ join_fx_rate('fx_at_acquisition', 'customers_acquired.first_currency', 'customers_acquired.acquisition_date') }}

)

select * from final
