-- Every raw ads_spend_daily row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('ads_spend_daily') }}
