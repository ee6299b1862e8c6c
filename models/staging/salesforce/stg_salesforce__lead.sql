-- Salesforce Lead: one row per synced lead, deletion flags kept (the mapping leaves deleted leads out, the
-- excluded records list them). The org's custom fields under fixed names: its utm fields (var
-- salesforce_lead_utm_fields) as utm_*_field, its disqualification reason (var
-- salesforce_lead_disqualification_reason_field) as disqualification_reason; the date fields of var
-- salesforce_lead_status_date_fields keep their own names. NumberOfEmployees stays text (a range such as 50-200).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set utm_fields = adapter_setting('salesforce_lead_utm_fields') %}
{%- set reason_field = adapter_setting('salesforce_lead_disqualification_reason_field') or 'no_reason_field' %}
{%- set columns = [
    'id', 'is_deleted:boolean', '_fivetran_deleted:boolean', '_fivetran_active:boolean', 'created_date:timestamp',
    'is_converted:boolean', 'converted_date:timestamp', 'converted_opportunity_id', 'converted_contact_id',
    'company', 'country_code', 'country', 'industry', 'number_of_employees', 'lead_source',
    utm_fields.utm_source ~ '>utm_source_field', utm_fields.utm_medium ~ '>utm_medium_field',
    utm_fields.utm_campaign ~ '>utm_campaign_field', reason_field ~ '>disqualification_reason',
] %}
{#- a status date field that is synced but does not parse still makes a status event (with no time: the
    contract quarantines it), as before the two layers: <field>_is_present says the field holds a value -#}
{%- set presence = {} %}
{%- for status, field in adapter_setting('salesforce_lead_status_date_fields').items() if field %}
    {%- if field not in columns and (field ~ ':timestamp') not in columns %}
        {%- do columns.append(field ~ ':timestamp') %}
    {%- endif %}
    {%- do presence.update({field ~ '_is_present': '(' ~ field ~ ' is not null)'}) %}
{%- endfor %}
{{ vendor_record_staging('salesforce', 'lead', columns, presence) }}
