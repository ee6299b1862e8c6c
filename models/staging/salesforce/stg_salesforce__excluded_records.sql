-- The Salesforce records the adapter leaves out on purpose, so nothing disappears without a trace: records
-- deleted in Salesforce (IsDeleted, the loader's _fivetran_deleted), lead status changes to a status that is no
-- funnel event (var salesforce_lead_status_map maps it to null) and campaign responses of contacts that no lead
-- was converted into (outside the lead funnel). Everything else the adapter maps, and the
-- contract layer quarantines what breaks a rule (quarantine.quarantined_rows). One row per excluded record.
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

    {{ vendor_table('salesforce', 'campaign_member', [
        'id', 'lead_id', 'contact_id', 'has_responded:boolean', 'is_deleted:boolean', '_fivetran_deleted:boolean',
    ]) | indent(4) }}

),

leads as (

    {{ vendor_table('salesforce', 'lead', [
        'id', 'converted_contact_id', 'is_deleted:boolean', '_fivetran_deleted:boolean', '_fivetran_active:boolean',
    ]) | indent(4) }}

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

    {{ vendor_table('salesforce', 'lead_history', [
        'id', 'field', 'new_value', 'is_deleted:boolean', '_fivetran_deleted:boolean',
    ]) | indent(4) }}

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
