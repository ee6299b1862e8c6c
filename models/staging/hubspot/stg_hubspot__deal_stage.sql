-- HubSpot deal_stage: one row per stage a deal entered (value: the stage id) at date_entered.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'deal_stage', ['deal_id', 'date_entered:timestamp', 'value']) }}
