-- Salesforce Lead -> the raw layout of crm_leads (every contract column as text; typed and checked by
-- base_crm__leads). Deleted leads are left out and listed in int_salesforce__excluded_records.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set lead_source_utm = adapter_setting('salesforce_lead_source_utm') %}
{%- set sources = {} %}
{%- set mediums = {} %}
{%- for key, pair in lead_source_utm.items() %}
    {%- do sources.update({key: pair[0]}) %}
    {%- do mediums.update({key: pair[1]}) %}
{%- endfor %}

with

leads as (

    select
        id,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active,
        created_date,
        company,
        country_code,
        country,
        industry,
        number_of_employees,
        lead_source,
        utm_source_field,
        utm_medium_field,
        utm_campaign_field
    from {{ ref('stg_salesforce__lead') }}

),

current_leads as (

    select * from leads
    where
        not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

mapped as (

    select
        -- ids
        {{ vendor_text('id') }} as lead_id,

        -- timestamps
        {{ vendor_timestamp_text('created_date') }} as created_at,

        -- strings
        -- company, country, segment: empty when unknown, so the contract's one default applies (`unknown`)
        nullif(trim({{ vendor_text('company') }}), '') as company_name,
        coalesce(
            nullif(trim({{ vendor_text('country_code') }}), ''),
            nullif(trim({{ vendor_text('country') }}), '')
        ) as country,
        {{ segment_from_employees('number_of_employees') }} as segment,
        {{ vendor_text('industry') }} as industry,

        -- source: the lead's utm fields where the org has them, else its LeadSource
        coalesce(
            nullif(lower(trim({{ vendor_text('utm_source_field') }})), ''),
            case
                when nullif(trim({{ vendor_text('utm_medium_field') }}), '') is null
                    then {{ vendor_value_map(
                        'lead_source', sources,
                        "nullif(lower(trim(" ~ vendor_text('lead_source') ~ ")), '')"
                    ) | indent(20) }}
            end
        ) as utm_source,
        coalesce(
            nullif(lower(trim({{ vendor_text('utm_medium_field') }})), ''),
            case
                when nullif(trim({{ vendor_text('utm_source_field') }}), '') is null
                    then {{ vendor_value_map(
                        'lead_source', mediums,
                        "case when nullif(trim(" ~ vendor_text('lead_source') ~ "), '') is not null "
                        ~ "then 'salesforce_lead_source' end"
                    ) | indent(20) }}
            end
        ) as utm_medium,
        nullif(lower(trim({{ vendor_text('utm_campaign_field') }})), '') as utm_campaign

    from current_leads

)

select * from mapped
