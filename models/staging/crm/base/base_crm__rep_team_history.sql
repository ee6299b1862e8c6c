-- Every row of source crm.crm_rep_team_history, typed, with the first single-table contract rule it breaks
-- (macros/quarantine).
{{ config(materialized='table') }}
{{ quarantine_base('crm_rep_team_history') }}
