-- Every raw crm_rep_team_history row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('crm_rep_team_history') }}
