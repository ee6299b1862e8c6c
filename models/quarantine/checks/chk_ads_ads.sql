-- Every raw ads_ads row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('ads_ads') }}
