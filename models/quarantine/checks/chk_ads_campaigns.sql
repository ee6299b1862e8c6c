-- Every raw ads_campaigns row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('ads_campaigns') }}
