-- Every raw crm_sales_teams row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('crm_sales_teams') }}
