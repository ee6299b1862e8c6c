-- Every row of source reference.ref_channels, typed, with the first single-table contract rule it breaks
-- (macros/quarantine).
{{ config(materialized='table') }}
{{ quarantine_base('ref_channels') }}
