-- Every raw ads_campaigns row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('ads_campaigns') }}
