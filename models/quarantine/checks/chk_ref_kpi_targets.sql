-- Every raw ref_kpi_targets row with the first contract rule it breaks, cross-table rules included.
{{ quarantine_cross_checks('ref_kpi_targets') }}
