-- HubSpot deal: one row per synced deal with its deletion flags (is_deleted, _fivetran_deleted), its pipeline and
-- stage, owner and the properties the mapping reads (property_<name>; the amount as a number).
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'deal', [
    'deal_id', 'is_deleted:boolean', '_fivetran_deleted:boolean', 'deal_pipeline_id', 'deal_pipeline_stage_id',
    'owner_id', 'property_hubspot_owner_id', 'property_dealname', 'property_amount:double',
    'property_deal_currency_code', 'property_createdate:timestamp', 'property_closedate:timestamp',
    'property_closed_lost_reason',
]) }}
