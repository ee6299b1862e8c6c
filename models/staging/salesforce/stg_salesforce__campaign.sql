-- Salesforce Campaign: name and Type; the org's utm fields (var salesforce_campaign_utm_fields) as utm_*_field.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set utm_fields = adapter_setting('salesforce_campaign_utm_fields') %}
{{ vendor_record_staging('salesforce', 'campaign', [
    'id', 'name', 'type', 'is_deleted:boolean', '_fivetran_deleted:boolean',
    utm_fields.utm_source ~ '>utm_source_field', utm_fields.utm_medium ~ '>utm_medium_field',
    utm_fields.utm_campaign ~ '>utm_campaign_field',
]) }}
