-- Every raw crm_leads row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('crm_leads') }}
