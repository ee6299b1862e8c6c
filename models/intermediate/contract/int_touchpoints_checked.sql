-- The rows of stg_marketing__touchpoints that also pass the contract rules that need another source system
-- (foreign keys into it, FX rates): contract_conformed_rows, macros/quarantine/contract_verdicts.sql.
{{ contract_conformed_rows('mkt_touchpoints') }}
