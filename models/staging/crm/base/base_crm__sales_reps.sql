-- Every row of source crm.crm_sales_reps, typed, with the first single-table contract rule it breaks
-- (macros/quarantine).
{{ config(materialized='table') }}
{{ quarantine_base('crm_sales_reps') }}
