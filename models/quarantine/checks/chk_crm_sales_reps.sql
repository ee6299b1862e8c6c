-- Every raw crm_sales_reps row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('crm_sales_reps') }}
