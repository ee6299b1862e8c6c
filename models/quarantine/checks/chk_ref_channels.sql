-- Every raw ref_channels row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('ref_channels') }}
