-- The rows of stg_billing__subscription_events that also pass the contract rules that need another source system
-- (foreign keys into it, FX rates): contract_conformed_rows, macros/quarantine/contract_verdicts.sql.
{{ config(enabled=kpi_areas_enabled('billing')) }}
{{ contract_conformed_rows('billing_subscription_events') }}
