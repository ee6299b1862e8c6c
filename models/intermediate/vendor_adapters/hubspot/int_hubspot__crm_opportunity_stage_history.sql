-- HubSpot deal stages -> the raw layout of crm_opportunity_stage_history (text; typed and checked by
-- base_crm__opportunity_stage_history): every stage a deal entered (deal_stage: date_entered, value = the stage
-- id), mapped like the deal's current stage (hubspot_stage_ctes) within the deal's pipeline. HubSpot's stage
-- history has no owner: the owner is the deal's current owner. Only deals in int_hubspot__crm_opportunities.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}

with

{{ hubspot_stage_ctes() }}

{{ hubspot_current_deals_cte(['owner_id', 'property_hubspot_owner_id']) }}

stage_entries as (

    select
        deal_id,
        date_entered,
        value
    from {{ ref('stg_hubspot__deal_stage') }}

),

mapped as (

    select
        -- ids
        {{ vendor_text('stage_entries.deal_id') }} || ':' || {{ vendor_text('stage_entries.value') }}
        || ':' || {{ vendor_timestamp_text('stage_entries.date_entered') }} as stage_event_id,
        {{ vendor_text('stage_entries.deal_id') }} as opportunity_id,
        coalesce(
            nullif(trim({{ vendor_text('current_deals.owner_id') }}), ''),
            {{ vendor_text('current_deals.property_hubspot_owner_id') }}
        ) as owner_rep_id,

        -- strings
        coalesce(pipeline_stages.contract_stage, lower(trim({{ vendor_text('stage_entries.value') }}))) as stage,

        -- timestamps
        {{ vendor_timestamp_text('stage_entries.date_entered') }} as changed_at

    from stage_entries
    inner join current_deals
        on {{ vendor_text('stage_entries.deal_id') }} = {{ vendor_text('current_deals.deal_id') }}
    left join pipeline_stages
        on
            {{ vendor_text('stage_entries.value') }} = pipeline_stages.stage_key
            and {{ vendor_text('current_deals.deal_pipeline_id') }} = pipeline_stages.pipeline_key

)

select * from mapped
