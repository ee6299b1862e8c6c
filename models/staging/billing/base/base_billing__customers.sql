-- Every raw billing_customers row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('billing_customers') }}
