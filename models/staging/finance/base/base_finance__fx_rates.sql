-- Every row of source finance.finance_fx_rates, typed, with the first single-table contract rule it breaks
-- (macros/quarantine). A table: small, re-checked whole on every run.
{{ config(materialized='table') }}
{{ quarantine_base('finance_fx_rates') }}
