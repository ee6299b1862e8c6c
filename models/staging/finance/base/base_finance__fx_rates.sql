-- Every raw finance_fx_rates row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('finance_fx_rates') }}
