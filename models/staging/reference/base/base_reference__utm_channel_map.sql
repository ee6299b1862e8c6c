-- Every raw ref_utm_channel_map row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('ref_utm_channel_map') }}
