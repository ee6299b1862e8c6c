-- Every raw crm_opportunities row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('crm_opportunities') }}
