-- HubSpot touches -> the raw layout of mkt_touchpoints (text; typed and checked by base_marketing__touchpoints):
--   - every form submission (contact_form_submission) at its timestamp, with the utm parameters of the page URL;
--     touch type from the form title through the keywords of var hubspot_form_touch_keywords (first match, e.g.
--     'webinar' -> webinar), else var hubspot_default_form_touch_type (content_download);
--   - the contact's first and most recent conversion (first_conversion_date / _event_name,
--     recent_conversion_date / _event_name) when no form submission of the contact has that timestamp (portals
--     that do not sync form submissions), typed the same way, without utm tags (unknown: direct);
--   - the contact's first visit (hs_analytics_first_timestamp), with the contact's original source: the first
--     page's utm parameters, else hs_analytics_source through var hubspot_analytics_source_utm, and a touch type
--     from var hubspot_analytics_source_touch_types.
-- A merged-away contact's touches count for the contact it was merged into; a deleted contact's are left out.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{%- set source_types = adapter_setting('hubspot_analytics_source_touch_types') %}

with

{{ hubspot_merged_contact_ctes() }}

{{ hubspot_live_contacts_cte([
    'property_first_conversion_date:timestamp', 'property_first_conversion_event_name',
    'property_recent_conversion_date:timestamp', 'property_recent_conversion_event_name',
    'property_hs_analytics_first_timestamp:timestamp', 'property_hs_analytics_first_url',
    'property_hs_analytics_source',
]) }}

submissions as (

    select
        contact_id,
        conversion_id,
        submitted_at,
        page_url,
        title
    from {{ ref('stg_hubspot__contact_form_submission') }}

),

form_touches as (

    select
        'form:' || {{ vendor_text('submissions.conversion_id') }} as touchpoint_id,
        {{ vendor_text('live_contacts.id') }} as lead_id,
        {{ vendor_timestamp_text('submissions.submitted_at') }} as touched_at,
        {{ hubspot_touch_type('submissions.title') | indent(8) }} as touch_type,
        {{ url_parameter('submissions.page_url', 'utm_source') }} as utm_source,
        {{ url_parameter('submissions.page_url', 'utm_medium') }} as utm_medium,
        {{ url_parameter('submissions.page_url', 'utm_campaign') }} as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as ad_id
    from submissions
    left join merged_contacts
        on {{ vendor_text('submissions.contact_id') }} = merged_contacts.contact_key
    inner join live_contacts
        on
            {{ hubspot_canonical_contact('merged_contacts', 'submissions.contact_id') }}
            = {{ vendor_text('live_contacts.id') }}

),

first_conversion_touches as (

    select
        'first_conversion:' || {{ vendor_text('live_contacts.id') }} as touchpoint_id,
        {{ vendor_text('live_contacts.id') }} as lead_id,
        {{ vendor_timestamp_text('live_contacts.property_first_conversion_date') }} as touched_at,
        {{ hubspot_touch_type('live_contacts.property_first_conversion_event_name') | indent(8) }} as touch_type,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as ad_id
    from live_contacts
    left join form_touches
        on
            {{ vendor_text('live_contacts.id') }} = form_touches.lead_id
            and {{ vendor_timestamp_text('live_contacts.property_first_conversion_date') }}
            = form_touches.touched_at
    where
        {{ vendor_timestamp('live_contacts.property_first_conversion_date') }} is not null
        and form_touches.touchpoint_id is null

),

recent_conversion_touches as (

    select
        'recent_conversion:' || {{ vendor_text('live_contacts.id') }} as touchpoint_id,
        {{ vendor_text('live_contacts.id') }} as lead_id,
        {{ vendor_timestamp_text('live_contacts.property_recent_conversion_date') }} as touched_at,
        {{ hubspot_touch_type('live_contacts.property_recent_conversion_event_name') | indent(8) }} as touch_type,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as ad_id
    from live_contacts
    left join form_touches
        on
            {{ vendor_text('live_contacts.id') }} = form_touches.lead_id
            and {{ vendor_timestamp_text('live_contacts.property_recent_conversion_date') }}
            = form_touches.touched_at
    where
        {{ vendor_timestamp('live_contacts.property_recent_conversion_date') }} is not null
        and form_touches.touchpoint_id is null
        -- the same conversion as the first one: one touch
        and {{ vendor_timestamp('live_contacts.property_recent_conversion_date') }} <> coalesce(
            {{ vendor_timestamp('live_contacts.property_first_conversion_date') }},
            cast('1900-01-01' as {{ dbt.type_timestamp() }})
        )

),

-- the original source of the lead (the same utm tags as int_hubspot__crm_leads)
lead_sources as (

    select
        lead_id,
        utm_source,
        utm_medium,
        utm_campaign
    from {{ ref('int_hubspot__crm_leads') }}

),

first_visit_touches as (

    select
        'first_visit:' || {{ vendor_text('live_contacts.id') }} as touchpoint_id,
        {{ vendor_text('live_contacts.id') }} as lead_id,
        {{ vendor_timestamp_text('live_contacts.property_hs_analytics_first_timestamp') }} as touched_at,
        {{ vendor_value_map(
            'live_contacts.property_hs_analytics_source', source_types, "'direct_visit'"
        ) | indent(8) }} as touch_type,
        lead_sources.utm_source,
        lead_sources.utm_medium,
        lead_sources.utm_campaign,
        cast(null as {{ dbt.type_string() }}) as ad_id
    from live_contacts
    inner join lead_sources
        on {{ vendor_text('live_contacts.id') }} = lead_sources.lead_id
    where {{ vendor_timestamp('live_contacts.property_hs_analytics_first_timestamp') }} is not null

),

unioned as (

    select * from form_touches

    union all

    select * from first_conversion_touches

    union all

    select * from recent_conversion_touches

    union all

    select * from first_visit_touches

)

select * from unioned
