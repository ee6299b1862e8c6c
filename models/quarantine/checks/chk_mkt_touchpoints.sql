-- Every raw mkt_touchpoints row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('mkt_touchpoints') }}
