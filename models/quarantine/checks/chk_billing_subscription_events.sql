-- Every raw billing_subscription_events row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('billing_subscription_events') }}
