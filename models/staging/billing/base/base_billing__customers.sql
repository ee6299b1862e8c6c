-- Every row of source billing.billing_customers, typed, with the first single-table contract rule it breaks
-- (macros/quarantine).
{{ config(enabled=kpi_areas_enabled('billing')) }}
{{ config(materialized='table') }}
{{ quarantine_base('billing_customers') }}
