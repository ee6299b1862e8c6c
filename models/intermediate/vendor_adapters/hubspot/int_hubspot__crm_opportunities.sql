-- HubSpot deals -> the raw layout of crm_opportunities (text; typed and checked by base_crm__opportunities). The
-- deals that are not deleted, in the pipelines of var hubspot_deal_pipelines (default every pipeline); the others
-- are listed in int_hubspot__excluded_records. Lead: the deal's associated contact (deal_contact; a merged-away
-- contact counts as the contact it was merged into) that was created first, ties by id; a deal with no live
-- contact gets 'no lead: deal <id>', which the contract quarantines as an unknown reference. Stage: the deal
-- stage's closed_won / is_closed flags, else var hubspot_deal_stage_map, else its probability (see
-- hubspot_stage_ctes). Currency: deal_currency_code, else var hubspot_default_currency (the portal's currency).
-- Close date: closedate of a closed deal.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}

with

{{ hubspot_merged_contact_ctes() }}

{{ hubspot_live_contacts_cte(['property_createdate:timestamp']) }}

{{ hubspot_stage_ctes() }}

{{ hubspot_current_deals_cte([
    'deal_pipeline_stage_id', 'owner_id', 'property_hubspot_owner_id', 'property_dealname', 'property_amount:double',
    'property_deal_currency_code', 'property_createdate:timestamp', 'property_closedate:timestamp',
    'property_closed_lost_reason',
]) }}

associations as (

    select
        deal_id,
        contact_id
    from {{ ref('stg_hubspot__deal_contact') }}

),

deal_leads as (

    select
        {{ vendor_text('associations.deal_id') }} as deal_key,
        {{ vendor_text('live_contacts.id') }} as lead_id,
        row_number() over (
            partition by {{ vendor_text('associations.deal_id') }}
            order by {{ vendor_timestamp('live_contacts.property_createdate') }}, {{ vendor_text('live_contacts.id') }}
        ) as lead_rank
    from associations
    left join merged_contacts
        on {{ vendor_text('associations.contact_id') }} = merged_contacts.contact_key
    inner join live_contacts
        on
            {{ hubspot_canonical_contact('merged_contacts', 'associations.contact_id') }}
            = {{ vendor_text('live_contacts.id') }}

),

mapped as (

    select
        -- ids
        {{ vendor_text('current_deals.deal_id') }} as opportunity_id,
        coalesce(deal_leads.lead_id, 'no lead: deal ' || {{ vendor_text('current_deals.deal_id') }}) as lead_id,
        coalesce(
            nullif(trim({{ vendor_text('current_deals.owner_id') }}), ''),
            {{ vendor_text('current_deals.property_hubspot_owner_id') }}
        ) as owner_rep_id,

        -- strings
        coalesce(
            nullif(trim({{ vendor_text('current_deals.property_dealname') }}), ''),
            {{ vendor_text('current_deals.deal_id') }}
        ) as opportunity_name,
        coalesce(
            pipeline_stages.contract_stage, lower(trim({{ vendor_text('current_deals.deal_pipeline_stage_id') }}))
        ) as stage,
        case
            when pipeline_stages.contract_stage = 'closed_lost'
                then {{ vendor_text('current_deals.property_closed_lost_reason') }}
        end as lost_reason,

        -- numerics
        {{ vendor_number_text('current_deals.property_amount') }} as amount,
        coalesce(
            nullif(upper(trim({{ vendor_text('current_deals.property_deal_currency_code') }})), ''),
            '{{ adapter_setting("hubspot_default_currency") }}'
        ) as currency,

        -- timestamps
        {{ vendor_timestamp_text('current_deals.property_createdate') }} as created_at,
        case
            when pipeline_stages.contract_stage in ('closed_won', 'closed_lost')
                then {{ vendor_date_text('current_deals.property_closedate') }}
        end as close_date

    from current_deals
    left join pipeline_stages
        on
            {{ vendor_text('current_deals.deal_pipeline_stage_id') }} = pipeline_stages.stage_key
            and {{ vendor_text('current_deals.deal_pipeline_id') }} = pipeline_stages.pipeline_key
    left join deal_leads
        on {{ vendor_text('current_deals.deal_id') }} = deal_leads.deal_key and deal_leads.lead_rank = 1

)

select * from mapped
