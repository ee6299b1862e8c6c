-- HubSpot contact: one row per synced contact with its deletion flags (is_deleted, _fivetran_deleted; the mapping
-- leaves deleted and merged-away contacts out, the excluded records list them) and the properties the mapping
-- reads (property_<name>; numemployees stays text: HubSpot's ranges such as 25-50).
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'contact', [
    'id', '_fivetran_deleted:boolean', 'is_deleted:boolean', 'property_createdate:timestamp', 'property_email',
    'property_company', 'property_country', 'property_hs_country_region_code', 'property_ip_country_code',
    'property_industry', 'property_numemployees', 'property_hs_analytics_source',
    'property_hs_analytics_source_data_1', 'property_hs_analytics_first_url',
    'property_hs_analytics_first_timestamp:timestamp', 'property_first_conversion_date:timestamp',
    'property_first_conversion_event_name', 'property_recent_conversion_date:timestamp',
    'property_recent_conversion_event_name', 'property_hs_lifecyclestage_marketingqualifiedlead_date:timestamp',
    'property_hs_lifecyclestage_salesqualifiedlead_date:timestamp',
    'property_hs_lifecyclestage_opportunity_date:timestamp',
]) }}
