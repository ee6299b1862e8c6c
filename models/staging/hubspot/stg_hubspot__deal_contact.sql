-- HubSpot deal_contact: the contacts associated with a deal.
{{ vendor_record_staging('hubspot', 'deal_contact', ['deal_id', 'contact_id']) }}
