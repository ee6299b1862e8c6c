-- Every row of source crm.crm_opportunity_stage_history, typed, with the first single-table contract rule it breaks
-- (macros/quarantine). Incremental: a run re-checks the rows of the refresh window and the keys they share
-- (quarantine_base, docs/quarantine.md).
{{ config(
    materialized='incremental',
    unique_key='dq_row_key',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
    on_schema_change='fail',
    pre_hook="{{ record_base_window('crm_opportunity_stage_history') }}",
) }}
{% call keyed_incremental_rows('dq_row_key') -%}
{{ quarantine_base('crm_opportunity_stage_history') }}
{%- endcall %}
