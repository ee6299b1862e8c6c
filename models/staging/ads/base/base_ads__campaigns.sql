-- Every row of source ads.ads_campaigns, typed, with the first single-table contract rule it breaks
-- (macros/quarantine).
{{ config(materialized='table') }}
{{ quarantine_base('ads_campaigns') }}
