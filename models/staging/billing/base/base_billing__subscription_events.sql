-- Every raw billing_subscription_events row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('billing_subscription_events') }}
