-- Every raw crm_opportunity_stage_history row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('crm_opportunity_stage_history') }}
