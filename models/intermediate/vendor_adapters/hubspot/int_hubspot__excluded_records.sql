-- The HubSpot records the adapter leaves out on purpose, so nothing disappears without a trace: deleted contacts and
-- deals (_fivetran_deleted, is_deleted), contacts merged into another contact (their form submissions, history and
-- deals go to that contact), deals outside the pipelines of var hubspot_deal_pipelines, and (with var
-- hubspot_lifecycle_source: property_history) lifecycle-stage changes that are no funnel event (var
-- hubspot_lifecycle_stage_map maps them to null). Rows belonging to an excluded record (a deleted contact's form
-- submissions) go with it. Everything else is mapped; what breaks a contract rule is quarantined.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{%- set pipelines = adapter_setting('hubspot_deal_pipelines') %}
{%- set stage_map = adapter_setting('hubspot_lifecycle_stage_map') %}
{%- set ignored_stages = [] %}
{%- for key, value in stage_map.items() if value is none %}
    {%- do ignored_stages.append(key) %}
{%- endfor %}

with

{{ hubspot_merged_contact_ctes() }}

contacts as (

    select
        id,
        _fivetran_deleted,
        is_deleted
    from {{ ref('stg_hubspot__contact') }}

),

deals as (

    select
        deal_id,
        is_deleted,
        _fivetran_deleted,
        deal_pipeline_id
    from {{ ref('stg_hubspot__deal') }}

),

property_changes as (

    select
        contact_id,
        name,
        value,
        changed_at
    from {{ ref('stg_hubspot__contact_property_history') }}

),

excluded as (

    select
        'contact' as vendor_table,
        {{ vendor_text('contacts.id') }} as record_id,
        case
            when {{ vendor_is_true('contacts._fivetran_deleted') }} or {{ vendor_is_true('contacts.is_deleted') }}
                then 'deleted in HubSpot'
            else 'merged into contact ' || merged_contacts.canonical_key
        end as reason
    from contacts
    left join merged_contacts
        on {{ vendor_text('contacts.id') }} = merged_contacts.contact_key
    where
        merged_contacts.contact_key is not null
        or {{ vendor_is_true('contacts._fivetran_deleted') }}
        or {{ vendor_is_true('contacts.is_deleted') }}

    union all

    select
        'deal' as vendor_table,
        {{ vendor_text('deal_id') }} as record_id,
        case
            when {{ vendor_is_true('_fivetran_deleted') }} or {{ vendor_is_true('is_deleted') }}
                then 'deleted in HubSpot'
            else
                'pipeline ' || coalesce({{ vendor_text('deal_pipeline_id') }}, '(none)')
                || ' is not in hubspot_deal_pipelines'
        end as reason
    from deals
    where
        {{ vendor_is_true('_fivetran_deleted') }}
        or {{ vendor_is_true('is_deleted') }}
        or not coalesce(
            {{ vendor_value_in('deal_pipeline_id', pipelines) if pipelines is not none else 'true' }}, false
        )

    union all

    -- (with var hubspot_lifecycle_source: property_history only)
    select
        'contact_property_history' as vendor_table,
        {{ vendor_text('contact_id') }} || ':lifecyclestage:' || {{ vendor_timestamp_text('changed_at') }}
            as record_id,
        'lifecycle stage ' || {{ vendor_text('value') }} || ' is no funnel event (hubspot_lifecycle_stage_map)'
            as reason
    from property_changes
    where
        '{{ adapter_setting("hubspot_lifecycle_source") }}' = 'property_history'
        and lower({{ vendor_text('name') }}) = 'lifecyclestage'
        and {{ vendor_value_in('value', ignored_stages) }}

)

select * from excluded
