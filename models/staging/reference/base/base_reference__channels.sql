-- Every raw ref_channels row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('ref_channels') }}
