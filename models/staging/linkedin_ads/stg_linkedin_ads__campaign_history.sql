-- LinkedIn campaign_history: the latest version of each campaign (by last_modified_time); times as UTC
-- timestamps.
{{ config(enabled=vendor_adapter_enabled('linkedin_ads')) }}
{{ vendor_staging('linkedin_ads', 'campaign_history', [
    'id', 'account_id', 'last_modified_time:timestamp', 'name', 'objective_type', 'run_schedule_start:timestamp',
    'run_schedule_end:timestamp', 'created_time:timestamp',
], {
    'campaign_id': vendor_text('id'),
    'account_id': vendor_text('account_id'),
    'campaign_name': vendor_text('name'),
    'objective_type': vendor_text('objective_type'),
    'run_schedule_start': vendor_timestamp('run_schedule_start'),
    'run_schedule_end': vendor_timestamp('run_schedule_end'),
    'created_time': vendor_timestamp('created_time'),
}, key=['campaign_id'], version_by='last_modified_time') }}
