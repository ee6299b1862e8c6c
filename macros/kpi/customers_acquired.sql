{#-
    customers_acquired_ctes(): the CTEs of fct_customers, ending with
    `customers_acquired` (one row per customer: acquisition date and month =
    the first subscription event with MRR > 0, acquisition channel = the
    source channel of the customer's original lead, first MRR, state on the
    as-of date). fct_customers selects it as it is; fct_customer_months takes
    the acquisition columns for every customer month, so neither fact reads
    the other. With acquisition_only, only the acquisition columns (customer_id,
    lead_id, opportunity_id, segment, acquisition date, month and channel): no
    FX conversion and no state on the as-of date. Each CTE ends with a comma:
    the caller follows with its own.
-#}
{% macro customers_acquired_ctes(acquisition_only=false) -%}
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

{%- if not acquisition_only %}

customer_month_states as (

    select * from {{ ref('int_customer_months') }}

),
{%- endif %}

leads as (

    select
        lead_id,
        channel_id
    from {{ ref('int_leads_sourced') }}

),

{%- if not acquisition_only %}

as_of as (

    select {{ month_start('as_of_date') }} as as_of_month
    from {{ ref('int_as_of_date') }}

),
{%- endif %}

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

{%- if not acquisition_only %}

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
{%- endif %}

customers_acquired as (

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
        leads.channel_id as acquisition_channel_id{% if not acquisition_only %},
        first_paid_events.currency as first_currency,
        cast(first_paid_events.mrr_amount as numeric(20, 6)) as first_mrr,
        {{ to_reporting_currency('first_paid_events.mrr_amount', 'first_paid_events.currency', 'fx_at_acquisition') }}
            as first_mrr_reporting,
        cast(coalesce(state_as_of.mrr_reporting, 0) as numeric(20, 6)) as mrr_reporting_as_of,
        coalesce(state_as_of.is_active, false) as is_active_as_of,
        -- the day the MRR went to 0, for customers inactive on the as-of date
        case
            when first_paid_events.event_date is not null and not coalesce(state_as_of.is_active, false)
                then latest_events.event_date
        end as churned_date
        {%- endif %}
    from customers
    left join first_paid_events
        on
            customers.customer_id = first_paid_events.customer_id
            and first_paid_events.event_rank = 1
    left join leads
        on customers.lead_id = leads.lead_id
    {%- if not acquisition_only %}
    left join latest_events
        on
            customers.customer_id = latest_events.customer_id
            and latest_events.event_rank = 1
    left join state_as_of
        on customers.customer_id = state_as_of.customer_id
    {{ join_fx_rate('fx_at_acquisition', 'first_paid_events.currency', 'first_paid_events.event_date') }}
    {%- endif %}
    where
        customers.created_date <= {{ as_of_date() }}
        or first_paid_events.customer_id is not null

),
{%- endmacro %}
