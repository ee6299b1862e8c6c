{#-
    Attribution credit: one row per (conversion, credited touch, attribution
    model). The six weight columns of int_attribution_touch_weights unpivoted
    with union all; touches with weight 0 in a model (e.g. the middle touches
    under first touch) are not stored. Unattributed conversions have one row
    per model with touchpoint_id null and channel_id 'unattributed'.
    Incremental per lead, as int_attribution_touch_weights (its only input) is:
    a run replaces every row of the leads with activity or a touch since the
    window start (incremental_lookback_days before the latest conversion date
    held), the same leads int_attribution_touch_weights recomputed in that run
    (delete+insert on lead_id). A full refresh unpivots the whole table.
    The refresh window recorded for the data tests and the data-quality step is the window itself
    (conversion_at on or after the window start): the conversions of the window are checked on a refresh; the
    older conversions of the same leads are rewritten by the same SQL and checked by --full-checks (a lead's
    earliest conversion may be years back: a window reaching it would check most of the table every night).
    Not recorded on Spark (one more concurrent INSERT into ops.refresh_windows, see record_base_window).
-#}
{{ config(enabled=kpi_areas_enabled('attribution')) }}
{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
    pre_hook="{{ record_refresh_window('conversion_at') if target.type != 'spark' else 'select 1 as no_op' }}",
) }}
{% call keyed_incremental_rows('lead_id') -%}
-- depends_on: {{ ref('int_as_of_date') }}
-- depends_on: {{ ref('int_lead_activity') }}

with

{% if is_incremental() -%}
    {%- set window_start = incremental_window_start('cast(conversion_at as date)') %}
-- leads whose weights int_attribution_touch_weights may have recomputed in this run
affected_leads as (

    {{ leads_with_activity_since(window_start, with_touches=true) }}

),

{% endif -%}
touch_weights as (

    select * from {{ ref('int_attribution_touch_weights') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

unpivoted as (

    {%- for model_name in attribution_models() %}

        select
            conversion_key,
            conversion_type,
            conversion_id,
            '{{ model_name }}' as attribution_model,
            touchpoint_id,
            lead_id,
            opportunity_id,
            channel_id,
            campaign_id,
            ad_id,
            is_unattributed,
            conversion_at,
            conversion_month,
            touched_at,
            touch_position,
            touch_count,
            conversion_value,
            weight_{{ model_name }} as weight
        from touch_weights
        where weight_{{ model_name }} > 0
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        -- ids
        {{ dbt.concat([
            'conversion_key',
            "':'",
            'attribution_model',
            "':'",
            "coalesce(touchpoint_id, 'unattributed')",
        ]) }} as attribution_credit_id,
        conversion_key,
        conversion_type,
        conversion_id,
        attribution_model,
        touchpoint_id,
        lead_id,
        opportunity_id,
        channel_id,
        campaign_id,
        ad_id,
        -- booleans
        is_unattributed,
        -- timestamps
        conversion_at,
        conversion_month,
        touched_at,
        -- numerics
        touch_position,
        touch_count,
        weight,
        weight as attributed_conversions,
        conversion_value,
        -- Spark gives a product of two numeric(38, s) only 6 decimals (its result type keeps at most 38 digits):
        -- there the factors keep the digits they have (a weight <= 1 with 12 decimals, money numeric(20, 6))
        {%- if target.type == 'spark' %}
        cast(cast(weight as numeric(18, 12)) * cast(conversion_value as numeric(20, 6)) as numeric(28, 8))
        {%- else %}
        cast(cast(weight as numeric(38, 12)) * cast(conversion_value as numeric(38, 6)) as numeric(28, 8))
        {%- endif %}
            as attributed_revenue
    from unpivoted

)

select * from final
{%- endcall %}
