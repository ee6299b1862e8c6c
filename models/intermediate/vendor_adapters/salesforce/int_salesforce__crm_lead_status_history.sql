-- Salesforce lead lifecycle -> the raw layout of crm_lead_status_history (text; typed and checked by
-- base_crm__lead_status_history). The events of a lead:
--   - 'new' when it was created;
--   - every Status change in LeadHistory, mapped by var salesforce_lead_status_map (a status mapped to null is no
--     funnel event: left out, listed in int_salesforce__excluded_records; an unmapped one passes through and is
--     quarantined as not accepted);
--   - the date fields of var salesforce_lead_status_date_fields (e.g. MQL_Date__c), for orgs without history;
--   - its conversion: 'opportunity' at the converted opportunity's creation ('sql' at the converted date when it
--     was converted without an opportunity).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set status_map = adapter_setting('salesforce_lead_status_map') %}
{%- set date_fields = adapter_setting('salesforce_lead_status_date_fields') %}
{%- set ignored_statuses = [] %}
{%- for key, value in status_map.items() if value is none %}
    {%- do ignored_statuses.append(key) %}
{%- endfor %}
{%- set date_field_names = [] %}
{%- for status, field in date_fields.items() if field and field not in date_field_names %}
    {%- do date_field_names.append(field) %}
{%- endfor %}

with

leads as (

    select
        id,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active,
        created_date,
        is_converted,
        converted_date,
        converted_opportunity_id,
        {%- for field in date_field_names %}
            {{ field }},
            {{ field }}_is_present,
        {%- endfor %}
        disqualification_reason
    from {{ ref('stg_salesforce__lead') }}

),

lead_history as (

    select
        id,
        lead_id,
        field,
        new_value,
        created_date,
        is_deleted,
        _fivetran_deleted
    from {{ ref('stg_salesforce__lead_history') }}

),

opportunities as (

    select
        id,
        created_date,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__opportunity') }}

),

current_leads as (

    select * from leads
    where
        not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

current_opportunities as (

    select * from opportunities
    where
        not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

created_events as (

    select
        {{ vendor_text('id') }} || ':created' as status_event_id,
        {{ vendor_text('id') }} as lead_id,
        'new' as status,
        {{ vendor_timestamp_text('created_date') }} as changed_at,
        cast(null as {{ dbt.type_string() }}) as disqualification_reason
    from current_leads

),

status_changes as (

    select
        {{ vendor_text('lead_history.id') }} as status_event_id,
        {{ vendor_text('lead_history.lead_id') }} as lead_id,
        {{ vendor_value_map(
            'lead_history.new_value', status_map, "lower(trim(" ~ vendor_text('lead_history.new_value') ~ "))"
        ) | indent(8) }} as status,
        {{ vendor_timestamp_text('lead_history.created_date') }} as changed_at,
        {{ vendor_text('current_leads.disqualification_reason') }} as disqualification_reason,
        {{ vendor_value_in('lead_history.new_value', ignored_statuses) }} as is_ignored
    from lead_history
    inner join current_leads
        on {{ vendor_text('lead_history.lead_id') }} = {{ vendor_text('current_leads.id') }}
    where
        lower({{ vendor_text('lead_history.field') }}) = 'status'
        and not {{ vendor_is_true('lead_history.is_deleted') }}
        and not {{ vendor_is_true('lead_history._fivetran_deleted') }}

),

-- the date fields of var salesforce_lead_status_date_fields (one event per filled field)
date_field_events as (

    select
        cast(null as {{ dbt.type_string() }}) as status_event_id,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as changed_at,
        cast(null as {{ dbt.type_string() }}) as disqualification_reason
    from current_leads
    where 1 = 0
    {%- for status, field in date_fields.items() if field %}

        union all

        select
            {{ vendor_text('id') }} || ':{{ field }}' as status_event_id,
            {{ vendor_text('id') }} as lead_id,
            '{{ status }}' as status,
            {{ vendor_timestamp_text(field) }} as changed_at,
            {{ "cast(disqualification_reason as " ~ dbt.type_string() ~ ")" if status == 'disqualified'
                else "cast(null as " ~ dbt.type_string() ~ ")" }} as disqualification_reason
        from current_leads
        -- synced, whether or not it parses (an unparseable date is quarantined, never dropped)
        where {{ field }}_is_present
    {%- endfor %}

),

conversion_events as (

    select
        {{ vendor_text('current_leads.id') }} || ':converted' as status_event_id,
        {{ vendor_text('current_leads.id') }} as lead_id,
        case
            when nullif(trim({{ vendor_text('current_leads.converted_opportunity_id') }}), '') is not null
                then 'opportunity'
            else 'sql'
        end as status,
        coalesce(
            {{ vendor_timestamp_text('current_opportunities.created_date') }},
            {{ vendor_timestamp_text('current_leads.converted_date') }}
        ) as changed_at,
        cast(null as {{ dbt.type_string() }}) as disqualification_reason
    from current_leads
    left join current_opportunities
        on {{ vendor_text('current_leads.converted_opportunity_id') }} = {{ vendor_text('current_opportunities.id') }}
    where {{ vendor_is_true('current_leads.is_converted') }}

),

unioned as (

    select * from created_events

    union all

    select
        status_event_id,
        lead_id,
        status,
        changed_at,
        case when status = 'disqualified' then disqualification_reason end as disqualification_reason
    from status_changes
    where not is_ignored

    union all

    select * from date_field_events

    union all

    select * from conversion_events

)

select * from unioned
