-- HubSpot deal_contact: the contacts associated with a deal.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'deal_contact', ['deal_id', 'contact_id']) }}
