{#-
    One row per customer (int_customers_checked) created by the as-of date or acquired by then, with its
    acquisition: the first subscription event with MRR > 0 by the as-of date (date, month, currency and
    amount) and the source channel of the customer's original lead (int_leads_sourced). fct_customers adds the
    state on the as-of date and the converted first MRR; fct_customer_months takes the acquisition columns for
    every customer month, so neither fact reads the other.
-#}
{{ config(enabled=kpi_areas_enabled('billing')) }}
with

customers as (

    select * from {{ ref('int_customers_checked') }}

),

subscription_events as (

    select
        subscription_event_id,
        customer_id,
        event_date,
        mrr_amount,
        currency
    from {{ ref('int_subscription_events_checked') }}
    where event_date <= {{ as_of_date() }}

),

leads as (

    select
        lead_id,
        channel_id
    from {{ ref('int_leads_sourced') }}

),

-- acquisition: the first subscription event with MRR > 0
first_paid_events as (

    select
        customer_id,
        event_date,
        mrr_amount,
        currency,
        row_number() over (
            partition by customer_id
            order by event_date, subscription_event_id
        ) as event_rank
    from subscription_events
    where mrr_amount > 0

),

final as (

    select
        customers.customer_id,
        customers.lead_id,
        customers.opportunity_id,
        customers.company_name,
        customers.country,
        customers.segment,
        customers.created_at,
        first_paid_events.event_date as acquisition_date,
        {{ month_start('first_paid_events.event_date') }} as acquisition_month,
        leads.channel_id as acquisition_channel_id,
        first_paid_events.currency as first_currency,
        first_paid_events.mrr_amount as first_mrr_amount
    from customers
    left join first_paid_events
        on
            customers.customer_id = first_paid_events.customer_id
            and first_paid_events.event_rank = 1
    left join leads
        on customers.lead_id = leads.lead_id
    where
        customers.created_date <= {{ as_of_date() }}
        or first_paid_events.customer_id is not null

)

select * from final
