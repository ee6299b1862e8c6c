-- Every raw crm_lead_status_history row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('crm_lead_status_history') }}
