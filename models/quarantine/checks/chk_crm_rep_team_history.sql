-- Every raw crm_rep_team_history row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('crm_rep_team_history') }}
