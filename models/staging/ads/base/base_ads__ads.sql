-- Every raw ads_ads row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('ads_ads') }}
