-- Every row of source billing.billing_subscription_events, typed, with the first single-table contract rule it breaks
-- (macros/quarantine). Incremental: a run re-checks the rows of the refresh window and the keys they share
-- (quarantine_base, docs/quarantine.md).
{{ config(enabled=kpi_areas_enabled('billing')) }}
{{ config(
    materialized='incremental',
    unique_key='dq_row_key',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
    on_schema_change='fail',
    pre_hook="{{ record_base_window('billing_subscription_events') }}",
) }}
{% call keyed_incremental_rows('dq_row_key') -%}
{{ quarantine_base('billing_subscription_events') }}
{%- endcall %}
