-- Every raw finance_costs row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('finance_costs') }}
