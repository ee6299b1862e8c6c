-- Every raw ads_spend_daily row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('ads_spend_daily') }}
