-- HubSpot deal_pipeline_stage: the stages of each pipeline (label, probability 0-1, closed_won, is_closed).
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'deal_pipeline_stage', [
    'stage_id', 'pipeline_id', 'label', 'probability:double', 'closed_won:boolean', 'is_closed:boolean',
]) }}
