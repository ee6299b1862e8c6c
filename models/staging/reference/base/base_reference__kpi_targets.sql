-- Every raw ref_kpi_targets row with the first single-table contract rule it breaks (macros/quarantine).
{{ quarantine_row_checks('ref_kpi_targets') }}
