-- Every raw crm_lead_status_history row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('crm_lead_status_history') }}
