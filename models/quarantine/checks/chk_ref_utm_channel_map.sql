-- Every raw ref_utm_channel_map row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('ref_utm_channel_map') }}
