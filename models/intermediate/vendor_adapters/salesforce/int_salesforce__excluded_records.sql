-- The Salesforce records the adapter leaves out on purpose, so nothing disappears without a trace: records
-- deleted in Salesforce (IsDeleted, the loader's _fivetran_deleted), lead status changes to a status that is no
-- funnel event (var salesforce_lead_status_map maps it to null), history rows (LeadHistory, OpportunityHistory)
-- whose lead or opportunity is deleted or not synced at all (purged or hard-deleted: the loader keeps the
-- history of a record it no longer has), OpportunityHistory rows that change no stage (amount or close date
-- edits), and campaign responses of contacts that no lead was converted into
-- (outside the lead funnel). Everything else the adapter maps, and the
-- contract layer quarantines what breaks a rule (quarantine.quarantined_rows). One row per excluded record.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set status_map = adapter_setting('salesforce_lead_status_map') %}
{%- set ignored_statuses = [] %}
{%- for key, value in status_map.items() if value is none %}
    {%- do ignored_statuses.append(key) %}
{%- endfor %}

with

deleted_records as (

    {{ vendor_deleted_records('salesforce', [
        'lead', 'opportunity', 'lead_history', 'opportunity_history', 'campaign_member', 'user', 'user_role',
    ], 'Salesforce') | indent(4) }}

),

members as (

    select
        id,
        lead_id,
        contact_id,
        has_responded,
        is_deleted,
        _fivetran_deleted
    from {{ ref('stg_salesforce__campaign_member') }}

),

leads as (

    select
        id,
        converted_contact_id,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__lead') }}

),

converted_contacts as (

    select distinct {{ vendor_text('converted_contact_id') }} as contact_id
    from leads
    where
        nullif(trim({{ vendor_text('converted_contact_id') }}), '') is not null
        and not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

lead_history as (

    select
        id,
        lead_id,
        field,
        new_value,
        is_deleted,
        _fivetran_deleted
    from {{ ref('stg_salesforce__lead_history') }}

),

opportunities as (

    select
        id,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__opportunity') }}

),

opportunity_history as (

    select
        id,
        opportunity_id,
        stage_name,
        created_date,
        is_deleted,
        _fivetran_deleted
    from {{ ref('stg_salesforce__opportunity_history') }}

),

-- every synced lead and opportunity id, and whether the adapter maps it (is_current: not deleted; the active
-- version in history mode)
lead_ids as (

    select
        {{ vendor_text('id') }} as lead_id,
        max(case when {{ vendor_is_current() }} then 1 else 0 end) as is_current
    from leads
    group by {{ vendor_text('id') }}

),

opportunity_ids as (

    select
        {{ vendor_text('id') }} as opportunity_id,
        max(case when {{ vendor_is_current() }} then 1 else 0 end) as is_current
    from opportunities
    group by {{ vendor_text('id') }}

),

-- OpportunityHistory rows of mapped opportunities in the order the stage history reads them
-- (int_salesforce__crm_opportunity_stage_history): a row that keeps the stage of the row before it is an amount
-- or close date edit, no stage change
opportunity_history_sequenced as (

    select
        {{ vendor_text('opportunity_history.id') }} as record_id,
        lower(trim({{ vendor_text('opportunity_history.stage_name') }})) as stage_key,
        lag(lower(trim({{ vendor_text('opportunity_history.stage_name') }}))) over (
            partition by {{ vendor_text('opportunity_history.opportunity_id') }}
            order by
                {{ vendor_timestamp('opportunity_history.created_date') }},
                {{ vendor_text('opportunity_history.id') }}
        ) as previous_stage_key
    from opportunity_history
    inner join opportunity_ids
        on
            {{ vendor_text('opportunity_history.opportunity_id') }} = opportunity_ids.opportunity_id
            and opportunity_ids.is_current = 1
    where
        not {{ vendor_is_true('opportunity_history.is_deleted') }}
        and not {{ vendor_is_true('opportunity_history._fivetran_deleted') }}

),

excluded as (

    select * from deleted_records

    union all

    select
        'lead_history' as vendor_table,
        {{ vendor_text('id') }} as record_id,
        'status ' || {{ vendor_text('new_value') }} || ' is no funnel event (salesforce_lead_status_map)' as reason
    from lead_history
    where
        lower({{ vendor_text('field') }}) = 'status'
        and {{ vendor_value_in('new_value', ignored_statuses) }}
        and not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}

    union all

    -- a status change of a lead the adapter does not map: deleted, or not synced at all
    select
        'lead_history' as vendor_table,
        {{ vendor_text('lead_history.id') }} as record_id,
        'status change of lead ' || {{ vendor_text('lead_history.lead_id') }}
        || case
            when lead_ids.lead_id is null then ', which is not in Lead (purged or hard-deleted)'
            else ', which is deleted'
        end as reason
    from lead_history
    left join lead_ids
        on {{ vendor_text('lead_history.lead_id') }} = lead_ids.lead_id
    where
        lower({{ vendor_text('lead_history.field') }}) = 'status'
        and not {{ vendor_value_in('lead_history.new_value', ignored_statuses) }}
        and not {{ vendor_is_true('lead_history.is_deleted') }}
        and not {{ vendor_is_true('lead_history._fivetran_deleted') }}
        and coalesce(lead_ids.is_current, 0) = 0

    union all

    -- a history row of an opportunity the adapter does not map: deleted, or not synced at all
    select
        'opportunity_history' as vendor_table,
        {{ vendor_text('opportunity_history.id') }} as record_id,
        'history of opportunity ' || {{ vendor_text('opportunity_history.opportunity_id') }}
        || case
            when opportunity_ids.opportunity_id is null
                then ', which is not in Opportunity (purged or hard-deleted)'
            else ', which is deleted'
        end as reason
    from opportunity_history
    left join opportunity_ids
        on {{ vendor_text('opportunity_history.opportunity_id') }} = opportunity_ids.opportunity_id
    where
        not {{ vendor_is_true('opportunity_history.is_deleted') }}
        and not {{ vendor_is_true('opportunity_history._fivetran_deleted') }}
        and coalesce(opportunity_ids.is_current, 0) = 0

    union all

    -- an OpportunityHistory row that changes no stage (the stage history has one row per stage change), with
    -- the layout opportunity_history (var salesforce_stage_history)
    select
        'opportunity_history' as vendor_table,
        record_id,
        'no stage change (an amount or close date edit; the stage stays ' || stage_key || ')' as reason
    from opportunity_history_sequenced
    where
        previous_stage_key = stage_key
        and '{{ adapter_setting("salesforce_stage_history") }}' = 'opportunity_history'

    union all

    select
        'campaign_member' as vendor_table,
        {{ vendor_text('members.id') }} as record_id,
        'responded contact ' || {{ vendor_text('members.contact_id') }}
        || ' was not converted from a lead: outside the lead funnel' as reason
    from members
    left join converted_contacts
        on {{ vendor_text('members.contact_id') }} = converted_contacts.contact_id
    where
        {{ vendor_is_true('members.has_responded') }}
        and nullif(trim({{ vendor_text('members.lead_id') }}), '') is null
        and converted_contacts.contact_id is null
        and not {{ vendor_is_true('members.is_deleted') }}
        and not {{ vendor_is_true('members._fivetran_deleted') }}

)

select * from excluded
