-- Every raw crm_opportunity_stage_history row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('crm_opportunity_stage_history') }}
