-- Every raw billing_customers row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('billing_customers') }}
