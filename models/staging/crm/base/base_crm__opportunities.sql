-- Every raw crm_opportunities row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('crm_opportunities') }}
