-- HubSpot contacts -> the raw layout of crm_leads (text; typed and checked by base_crm__leads). Every contact that
-- is neither deleted (_fivetran_deleted) nor merged away into another contact (contact_merge_audit) is a lead;
-- both kinds are listed in int_hubspot__excluded_records. Country: a two-letter country property, else the IP
-- country, else the country text; segment: numemployees (a number or HubSpot's band such as '100-500') against
-- var adapter_segment_thresholds; company: the company property, else the email domain (each empty when unknown:
-- the contract's default, unknown). utm tags: the parameters of the first page the contact saw
-- (hs_analytics_first_url), else the original source (hs_analytics_source and its drill-down) through var
-- hubspot_analytics_source_utm.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{%- set source_utm = adapter_setting('hubspot_analytics_source_utm') %}
{%- set override_sources, mediums, default_sources = {}, {}, {} %}
{%- for key, entry in source_utm.items() %}
    {%- do override_sources.update({key: entry[0]}) %}
    {%- do mediums.update({key: entry[1]}) %}
    {%- do default_sources.update({key: entry[2]}) %}
{%- endfor %}

with

{{ hubspot_merged_contact_ctes() }}

{{ hubspot_live_contacts_cte([
    'property_createdate:timestamp', 'property_email', 'property_company', 'property_country',
    'property_hs_country_region_code', 'property_ip_country_code', 'property_industry', 'property_numemployees',
    'property_hs_analytics_source', 'property_hs_analytics_source_data_1', 'property_hs_analytics_first_url',
]) }}

mapped as (

    select
        -- ids
        {{ vendor_text('id') }} as lead_id,

        -- timestamps
        {{ vendor_timestamp_text('property_createdate') }} as created_at,

        -- strings
        -- company, country, segment: empty when unknown, so the contract's one default applies (`unknown`)
        coalesce(
            nullif(trim({{ vendor_text('property_company') }}), ''),
            nullif({{ dbt.split_part(vendor_text('property_email'), "'@'", 2) }}, '')
        ) as company_name,
        coalesce(
            nullif(trim({{ vendor_text('property_hs_country_region_code') }}), ''),
            case
                when length(trim({{ vendor_text('property_country') }})) = 2
                    then trim({{ vendor_text('property_country') }})
            end,
            nullif(trim({{ vendor_text('property_ip_country_code') }}), ''),
            nullif(trim({{ vendor_text('property_country') }}), '')
        ) as country,
        {{ segment_from_employees('property_numemployees') }} as segment,
        {{ vendor_text('property_industry') }} as industry,

        -- source: the first page's utm parameters, else the original source
        case
            when
                {{ url_parameter('property_hs_analytics_first_url', 'utm_source') }} is not null
                or {{ url_parameter('property_hs_analytics_first_url', 'utm_medium') }} is not null
                then {{ url_parameter('property_hs_analytics_first_url', 'utm_source') }}
            else coalesce(
                {{ vendor_value_map('property_hs_analytics_source', override_sources) | indent(16) }},
                nullif(lower(trim({{ vendor_text('property_hs_analytics_source_data_1') }})), ''),
                {{ vendor_value_map(
                    'property_hs_analytics_source', default_sources,
                    "nullif(lower(trim(" ~ vendor_text('property_hs_analytics_source') ~ ")), '')"
                ) | indent(16) }}
            )
        end as utm_source,
        case
            when
                {{ url_parameter('property_hs_analytics_first_url', 'utm_source') }} is not null
                or {{ url_parameter('property_hs_analytics_first_url', 'utm_medium') }} is not null
                then {{ url_parameter('property_hs_analytics_first_url', 'utm_medium') }}
            else {{ vendor_value_map(
                'property_hs_analytics_source', mediums,
                "case when nullif(trim(" ~ vendor_text('property_hs_analytics_source') ~ "), '') is not null "
                ~ "then 'hubspot_source' end"
            ) | indent(12) }}
        end as utm_medium,
        {{ url_parameter('property_hs_analytics_first_url', 'utm_campaign') }} as utm_campaign

    from live_contacts

)

select * from mapped
