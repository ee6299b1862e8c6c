-- HubSpot lifecycle -> the raw layout of crm_lead_status_history (text; typed and checked by
-- base_crm__lead_status_history). 'new' when the contact was created, then, by var hubspot_lifecycle_source:
--   - date_properties (default): the lifecycle-stage entered dates of the contact
--     (hs_lifecyclestage_marketingqualifiedlead_date -> mql, ..._salesqualifiedlead_date -> sql,
--     ..._opportunity_date -> opportunity; HubSpot keeps the first date a stage was entered, also across merges).
--     HubSpot keeps no date of a disqualification: none in this mode.
--   - property_history: every change of the lifecyclestage property (contact_property_history) mapped by var
--     hubspot_lifecycle_stage_map (subscriber, customer, evangelist, other are no funnel events: listed in
--     int_hubspot__excluded_records), and a change of hs_lead_status to one of var
--     hubspot_disqualified_lead_statuses (UNQUALIFIED) as disqualified. The history of a merged-away contact
--     counts for the contact it was merged into.
-- Only contacts in int_hubspot__crm_leads.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{%- set lifecycle_source = adapter_setting('hubspot_lifecycle_source') %}
{%- if lifecycle_source not in ('date_properties', 'property_history') %}
    {{ exceptions.raise_compiler_error(
        "var hubspot_lifecycle_source must be date_properties or property_history, got '" ~ lifecycle_source ~ "'"
    ) }}
{%- endif %}
{%- set stage_map = adapter_setting('hubspot_lifecycle_stage_map') %}
{%- set disqualified = adapter_setting('hubspot_disqualified_lead_statuses') %}
{%- set date_properties = {
    'mql': 'property_hs_lifecyclestage_marketingqualifiedlead_date',
    'sql': 'property_hs_lifecyclestage_salesqualifiedlead_date',
    'opportunity': 'property_hs_lifecyclestage_opportunity_date',
} %}
{%- set contact_columns = ['property_createdate:timestamp'] %}
{%- for column in date_properties.values() %}
    {%- do contact_columns.append(column ~ ':timestamp') %}
{%- endfor %}
{%- set ignored_stages = [] %}
{%- for key, value in stage_map.items() if value is none %}
    {%- do ignored_stages.append(key) %}
{%- endfor %}

with

{{ hubspot_merged_contact_ctes() }}

{{ hubspot_live_contacts_cte(contact_columns) }}

created_events as (

    select
        {{ vendor_text('id') }} || ':created' as status_event_id,
        {{ vendor_text('id') }} as lead_id,
        'new' as status,
        {{ vendor_timestamp_text('property_createdate') }} as changed_at,
        cast(null as {{ dbt.type_string() }}) as disqualification_reason
    from live_contacts

),

-- date_properties: the lifecycle-stage entered dates
date_property_events as (

    select
        {{ vendor_text('id') }} || ':mql' as status_event_id,
        {{ vendor_text('id') }} as lead_id,
        'mql' as status,
        {{ vendor_timestamp_text(date_properties.mql) }} as changed_at,
        cast(null as {{ dbt.type_string() }}) as disqualification_reason
    from live_contacts
    where {{ vendor_timestamp(date_properties.mql) }} is not null

    union all

    select
        {{ vendor_text('id') }} || ':sql' as status_event_id,
        {{ vendor_text('id') }} as lead_id,
        'sql' as status,
        {{ vendor_timestamp_text(date_properties.sql) }} as changed_at,
        cast(null as {{ dbt.type_string() }}) as disqualification_reason
    from live_contacts
    where {{ vendor_timestamp(date_properties.sql) }} is not null

    union all

    select
        {{ vendor_text('id') }} || ':opportunity' as status_event_id,
        {{ vendor_text('id') }} as lead_id,
        'opportunity' as status,
        {{ vendor_timestamp_text(date_properties.opportunity) }} as changed_at,
        cast(null as {{ dbt.type_string() }}) as disqualification_reason
    from live_contacts
    where {{ vendor_timestamp(date_properties.opportunity) }} is not null

),

-- property_history: the lifecyclestage and hs_lead_status changes
property_changes as (

    select
        contact_id,
        name,
        value,
        changed_at
    from {{ ref('stg_hubspot__contact_property_history') }}

),

history_events as (

    select
        {{ hubspot_canonical_contact('merged_contacts', 'property_changes.contact_id') }}
        || ':' || lower({{ vendor_text('property_changes.name') }})
        || ':' || {{ vendor_timestamp_text('property_changes.changed_at') }}
        || ':' || coalesce(lower(trim({{ vendor_text('property_changes.value') }})), '') as status_event_id,
        {{ hubspot_canonical_contact('merged_contacts', 'property_changes.contact_id') }} as lead_id,
        case
            when lower({{ vendor_text('property_changes.name') }}) = 'hs_lead_status' then 'disqualified'
            else {{ vendor_value_map(
                'property_changes.value', stage_map, "lower(trim(" ~ vendor_text('property_changes.value') ~ "))"
            ) | indent(12) }}
        end as status,
        {{ vendor_timestamp_text('property_changes.changed_at') }} as changed_at,
        case
            when lower({{ vendor_text('property_changes.name') }}) = 'hs_lead_status'
                then 'hs_lead_status ' || upper(trim({{ vendor_text('property_changes.value') }}))
        end as disqualification_reason
    from property_changes
    left join merged_contacts
        on {{ vendor_text('property_changes.contact_id') }} = merged_contacts.contact_key
    where
        (
            lower({{ vendor_text('property_changes.name') }}) = 'lifecyclestage'
            and nullif(trim({{ vendor_text('property_changes.value') }}), '') is not null
            and not {{ vendor_value_in('property_changes.value', ignored_stages) }}
        )
        or (
            lower({{ vendor_text('property_changes.name') }}) = 'hs_lead_status'
            and {{ vendor_value_in('property_changes.value', disqualified) }}
        )

),

-- the events of var hubspot_lifecycle_source (the other source's branch has a constant false filter)
unioned as (

    select * from created_events

    union all

    select * from date_property_events
    where '{{ lifecycle_source }}' = 'date_properties'

    union all

    select history_events.*
    from history_events
    inner join live_contacts
        on history_events.lead_id = {{ vendor_text('live_contacts.id') }}
    where '{{ lifecycle_source }}' = 'property_history'

)

select * from unioned
