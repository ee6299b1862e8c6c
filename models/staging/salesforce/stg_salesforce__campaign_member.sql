-- Salesforce CampaignMember: a lead's or contact's membership of a campaign, whether and when it responded.
-- Optional.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce', 'campaign_member', [
    'id', 'campaign_id', 'lead_id', 'contact_id', 'has_responded:boolean', 'first_responded_date:date',
    'created_date:timestamp', 'is_deleted:boolean', '_fivetran_deleted:boolean',
]) }}
