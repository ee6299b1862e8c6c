-- Every row of source finance.finance_costs, typed, with the first single-table contract rule it breaks
-- (macros/quarantine). A table: small, re-checked whole on every run.
{{ config(enabled=kpi_areas_enabled('finance')) }}
{{ config(materialized='table') }}
{{ quarantine_base('finance_costs') }}
