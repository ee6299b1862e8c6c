-- Every raw mkt_touchpoints row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('mkt_touchpoints') }}
