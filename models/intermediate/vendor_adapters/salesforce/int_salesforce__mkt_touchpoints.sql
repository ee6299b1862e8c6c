-- Salesforce CampaignMember -> the raw layout of mkt_touchpoints (text; typed and checked by
-- base_marketing__touchpoints). A member who responded (HasResponded) touched the campaign at their first
-- responded date (FirstRespondedDate, a date: midnight UTC; the member's creation when it is empty). The touch
-- belongs to the member's lead, or for a contact to the lead converted into that contact; a contact no lead was
-- converted into is outside the lead funnel: its responses are left out and listed in
-- int_salesforce__excluded_records. Touch type and utm tags: the campaign's utm fields (var
-- salesforce_campaign_utm_fields, when the org has them), else its Type through var salesforce_campaign_type_map
-- ([touch type, utm_source, utm_medium]); utm_campaign: the campaign's utm field, else its name as a slug.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set type_map = adapter_setting('salesforce_campaign_type_map') %}
{%- set touch_types, type_sources, type_mediums = {}, {}, {} %}
{%- for key, entry in type_map.items() %}
    {%- do touch_types.update({key: entry[0]}) %}
    {%- do type_sources.update({key: entry[1]}) %}
    {%- do type_mediums.update({key: entry[2]}) %}
{%- endfor %}

with

members as (

    select
        id,
        campaign_id,
        lead_id,
        contact_id,
        has_responded,
        first_responded_date,
        created_date,
        is_deleted,
        _fivetran_deleted
    from {{ ref('stg_salesforce__campaign_member') }}

),

campaigns as (

    select
        id,
        name,
        type,
        is_deleted,
        _fivetran_deleted,
        utm_source_field,
        utm_medium_field,
        utm_campaign_field
    from {{ ref('stg_salesforce__campaign') }}

),

leads as (

    select
        id,
        converted_contact_id,
        created_date,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__lead') }}

),

-- the lead converted into each contact (the first created, if several)
contact_leads as (

    select
        {{ vendor_text('converted_contact_id') }} as contact_id,
        {{ vendor_text('id') }} as lead_id,
        row_number() over (
            partition by {{ vendor_text('converted_contact_id') }}
            order by {{ vendor_timestamp('created_date') }}, {{ vendor_text('id') }}
        ) as lead_rank
    from leads
    where
        nullif(trim({{ vendor_text('converted_contact_id') }}), '') is not null
        and not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

responses as (

    select * from members
    where
        {{ vendor_is_true('has_responded') }}
        and not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}

),

mapped as (

    select
        -- ids
        {{ vendor_text('responses.id') }} as touchpoint_id,
        coalesce(nullif(trim({{ vendor_text('responses.lead_id') }}), ''), contact_leads.lead_id) as lead_id,
        cast(null as {{ dbt.type_string() }}) as ad_id,

        -- timestamps
        coalesce(
            {{ vendor_timestamp_text('responses.first_responded_date') }},
            {{ vendor_timestamp_text('responses.created_date') }}
        ) as touched_at,

        -- strings
        {{ vendor_value_map(
            'campaigns.type', touch_types, "lower(trim(" ~ vendor_text('campaigns.type') ~ "))"
        ) | indent(8) }} as touch_type,
        coalesce(
            nullif(lower(trim({{ vendor_text('campaigns.utm_source_field') }})), ''),
            case
                when nullif(trim({{ vendor_text('campaigns.utm_medium_field') }}), '') is null
                    then {{ vendor_value_map('campaigns.type', type_sources) | indent(20) }}
            end
        ) as utm_source,
        coalesce(
            nullif(lower(trim({{ vendor_text('campaigns.utm_medium_field') }})), ''),
            case
                when nullif(trim({{ vendor_text('campaigns.utm_source_field') }}), '') is null
                    then {{ vendor_value_map('campaigns.type', type_mediums) | indent(20) }}
            end
        ) as utm_medium,
        coalesce(
            nullif(lower(trim({{ vendor_text('campaigns.utm_campaign_field') }})), ''),
            nullif({{ vendor_slug('campaigns.name') }}, '')
        ) as utm_campaign

    from responses
    left join campaigns
        on {{ vendor_text('responses.campaign_id') }} = {{ vendor_text('campaigns.id') }}
    left join contact_leads
        on {{ vendor_text('responses.contact_id') }} = contact_leads.contact_id and contact_leads.lead_rank = 1
    where nullif(trim({{ vendor_text('responses.lead_id') }}), '') is not null or contact_leads.lead_id is not null

)

select * from mapped
