-- Every raw crm_opportunities row with the first contract rule it breaks, cross-table rules included.
-- Incremental: a run re-checks only new and affected rows (see quarantine_cross_checks, docs/quarantine.md).
{{ config(
    materialized='incremental',
    unique_key='dq_row_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{{ quarantine_cross_checks('crm_opportunities') }}
