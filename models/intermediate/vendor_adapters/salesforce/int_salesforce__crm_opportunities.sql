-- Salesforce Opportunity -> the raw layout of crm_opportunities (text; typed and checked by
-- base_crm__opportunities). The lead of an opportunity is the lead converted into it (the first created, if
-- several), else the lead converted into its primary contact role; an opportunity with neither gets a lead id
-- no lead has ('no lead: <id>'), so the contract quarantines it as an unknown reference, visibly. Closed deals
-- are won or lost by IsWon / IsClosed; open stages map through var salesforce_stage_map, else by probability.
-- The currency is CurrencyIsoCode in a multi-currency org (the loader syncs that column only there), else var
-- salesforce_default_currency; in a multi-currency org an empty CurrencyIsoCode stays empty, so a deal with an
-- amount and no currency is quarantined (missing_value) instead of silently taking the default currency.
-- From the staging models stg_salesforce__opportunity, __lead and __opportunity_contact_role.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set stage_map = adapter_setting('salesforce_stage_map') %}

with

opportunities as (

    select
        id,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active,
        name,
        owner_id,
        created_date,
        close_date,
        stage_name,
        probability,
        is_won,
        is_closed,
        amount,
        currency_iso_code,
        lost_reason,
        is_multi_currency_org
    from {{ ref('stg_salesforce__opportunity') }}

),

leads as (

    select
        id,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active,
        created_date,
        converted_opportunity_id,
        converted_contact_id
    from {{ ref('stg_salesforce__lead') }}

),

contact_roles as (

    select
        id,
        opportunity_id,
        contact_id,
        is_primary,
        is_deleted,
        _fivetran_deleted
    from {{ ref('stg_salesforce__opportunity_contact_role') }}

),

current_opportunities as (

    select * from opportunities
    where
        not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

current_leads as (

    select
        {{ vendor_text('id') }} as lead_id,
        {{ vendor_timestamp('created_date') }} as created_at,
        nullif(trim({{ vendor_text('converted_opportunity_id') }}), '') as converted_opportunity_id,
        nullif(trim({{ vendor_text('converted_contact_id') }}), '') as converted_contact_id
    from leads
    where
        not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

-- the lead converted into the opportunity (the first created when several were merged into it)
converted_leads as (

    select
        converted_opportunity_id as opportunity_id,
        lead_id,
        row_number() over (partition by converted_opportunity_id order by created_at, lead_id) as lead_rank
    from current_leads
    where converted_opportunity_id is not null

),

-- else the lead converted into the opportunity's primary contact
contact_role_leads as (

    select
        {{ vendor_text('contact_roles.opportunity_id') }} as opportunity_id,
        current_leads.lead_id,
        row_number() over (
            partition by {{ vendor_text('contact_roles.opportunity_id') }}
            order by current_leads.created_at, current_leads.lead_id
        ) as lead_rank
    from contact_roles
    inner join current_leads
        on {{ vendor_text('contact_roles.contact_id') }} = current_leads.converted_contact_id
    where
        {{ vendor_is_true('contact_roles.is_primary') }}
        and not {{ vendor_is_true('contact_roles.is_deleted') }}
        and not {{ vendor_is_true('contact_roles._fivetran_deleted') }}

),

mapped as (

    select
        -- ids
        {{ vendor_text('current_opportunities.id') }} as opportunity_id,
        coalesce(
            converted_leads.lead_id,
            contact_role_leads.lead_id,
            'no lead: ' || {{ vendor_text('current_opportunities.id') }}
        ) as lead_id,
        {{ vendor_text('current_opportunities.owner_id') }} as owner_rep_id,

        -- strings
        coalesce(
            nullif(trim({{ vendor_text('current_opportunities.name') }}), ''),
            {{ vendor_text('current_opportunities.id') }}
        ) as opportunity_name,
        case
            when
                {{ vendor_is_true('current_opportunities.is_closed') }}
                and {{ vendor_is_true('current_opportunities.is_won') }}
                then 'closed_won'
            when {{ vendor_is_true('current_opportunities.is_closed') }} then 'closed_lost'
            else coalesce(
                {{ vendor_value_map('current_opportunities.stage_name', stage_map) | indent(16) }},
                {{ open_stage_from_probability(vendor_decimal('current_opportunities.probability')) | indent(16) }},
                lower(trim({{ vendor_text('current_opportunities.stage_name') }}))
            )
        end as stage,
        case
            when
                {{ vendor_is_true('current_opportunities.is_closed') }}
                and not {{ vendor_is_true('current_opportunities.is_won') }}
                then {{ vendor_text('current_opportunities.lost_reason') }}
        end as lost_reason,

        -- numerics
        {{ vendor_number_text('current_opportunities.amount') }} as amount,
        -- (whether the org has CurrencyIsoCode: stg_salesforce__opportunity.is_multi_currency_org)
        case
            when current_opportunities.is_multi_currency_org
                then nullif(trim({{ vendor_text('current_opportunities.currency_iso_code') }}), '')
            else '{{ adapter_setting("salesforce_default_currency") }}'
        end as currency,

        -- timestamps
        {{ vendor_timestamp_text('current_opportunities.created_date') }} as created_at,
        case
            when {{ vendor_is_true('current_opportunities.is_closed') }}
                then {{ vendor_date_text('current_opportunities.close_date') }}
        end as close_date

    from current_opportunities
    left join converted_leads
        on
            {{ vendor_text('current_opportunities.id') }} = converted_leads.opportunity_id
            and converted_leads.lead_rank = 1
    left join contact_role_leads
        on
            {{ vendor_text('current_opportunities.id') }} = contact_role_leads.opportunity_id
            and contact_role_leads.lead_rank = 1

)

select * from mapped
