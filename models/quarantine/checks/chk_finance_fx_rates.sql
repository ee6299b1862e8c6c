-- Every raw finance_fx_rates row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('finance_fx_rates') }}
