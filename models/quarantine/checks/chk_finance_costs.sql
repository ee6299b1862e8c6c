-- Every raw finance_costs row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('finance_costs') }}
