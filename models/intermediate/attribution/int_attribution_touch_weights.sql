{#-
    One row per (conversion, eligible touch), with the weight of the touch
    under each of the six attribution models as a column, plus one
    "unattributed" row (all weights 1) for each conversion without an eligible
    touch. One pass: the touches are joined to their conversions once (lead_id
    + time window) and every model's weight comes from window functions over
    the same partition (the conversion). fct_attribution_credit unpivots.
    The rules and corner cases are in _attribution__docs.md.
    Incremental per lead (the weights of a conversion depend only on its own
    lead's touches): a run recomputes every lead with activity (created,
    status, opportunity created or stage change) or a touch in the last
    incremental_lookback_days days before the latest conversion date held
    (delete+insert on lead_id: all rows of those leads are replaced).
-#}
{{ config(enabled=kpi_areas_enabled('attribution')) }}
{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
) }}
{% call keyed_incremental_rows('lead_id') -%}
-- depends_on: {{ ref('int_as_of_date') }}
-- depends_on: {{ ref('int_lead_activity') }}
{%- set lookback_days = attribution_lookback_days() %}
{%- set half_life_seconds = attribution_half_life_days() * 86400 %}

with

{% if is_incremental() -%}
    {%- set window_start = incremental_window_start('cast(conversion_at as date)') %}
-- leads whose conversions or touches may have changed since the window start
affected_leads as (

    {{ leads_with_activity_since(window_start, with_touches=true) }}

),

{% endif -%}
conversions as (

    select * from {{ ref('int_attribution_conversions') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

touchpoints as (

    select
        touchpoint_id,
        lead_id,
        touched_at,
        channel_id,
        campaign_id,
        ad_id
    -- a touch of a lead not created as of the as-of date has no conversion to credit
    from {{ ref('int_touchpoints_sourced') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

-- the lead's touches in (conversion_at - lookback, conversion_at]
eligible_touches as (

    select
        conversions.conversion_key,
        conversions.conversion_type,
        conversions.conversion_id,
        conversions.lead_id,
        conversions.opportunity_id,
        conversions.conversion_at,
        conversions.conversion_month,
        conversions.conversion_value,
        conversions.lead_created_at,
        conversions.opportunity_created_at,
        touchpoints.touchpoint_id,
        touchpoints.touched_at,
        touchpoints.channel_id,
        touchpoints.campaign_id,
        touchpoints.ad_id,
        {{ dbt.datediff('touchpoints.touched_at', 'conversions.conversion_at', 'second') }}
            as touch_age_seconds
    from conversions
    inner join touchpoints
        on
            conversions.lead_id = touchpoints.lead_id
            and conversions.conversion_at >= touchpoints.touched_at
            and {{ dbt.dateadd('day', -1 * lookback_days, 'conversions.conversion_at') }} < touchpoints.touched_at

),

-- position in the journey (ties on touched_at broken by touchpoint_id) and the raw time-decay factor
sequenced as (

    select
        eligible_touches.*,
        row_number() over (
            partition by eligible_touches.conversion_key
            order by eligible_touches.touched_at, eligible_touches.touchpoint_id
        ) as touch_position,
        count(*) over (partition by eligible_touches.conversion_key) as touch_count,
        -- 2^(-age / half-life), age in fractional days
        power(
            cast(2 as {{ type_double() }}),
            -1 * cast(eligible_touches.touch_age_seconds as {{ type_double() }}) / {{ half_life_seconds }}
        ) as decay_factor
    from eligible_touches

),

-- the W-shaped key touches: the last eligible touch at or before lead creation / opportunity creation
key_positions as (

    select
        sequenced.*,
        sum(sequenced.decay_factor) over (partition by sequenced.conversion_key) as decay_factor_total,
        max(
            case when sequenced.touched_at <= sequenced.lead_created_at then sequenced.touch_position end
        ) over (partition by sequenced.conversion_key) as lead_creation_position,
        max(
            case when sequenced.touched_at <= sequenced.opportunity_created_at then sequenced.touch_position end
        ) over (partition by sequenced.conversion_key) as opportunity_creation_position
    from sequenced

),

w_shaped_roles as (

    select
        key_positions.*,
        -- roles (first, lead creation, opportunity creation) this touch holds: 0-3, 30 points each
        case when key_positions.touch_position = 1 then 1 else 0 end
        + case when key_positions.touch_position = key_positions.lead_creation_position then 1 else 0 end
        + case when key_positions.touch_position = key_positions.opportunity_creation_position then 1 else 0 end
            as w_role_count,
        -- roles present in the journey: first touch always, the other two when such a touch exists
        1
        + case when key_positions.lead_creation_position is not null then 1 else 0 end
        + case when key_positions.opportunity_creation_position is not null then 1 else 0 end
            as w_roles_present,
        -- distinct touches holding a role
        1
        + case
            when key_positions.lead_creation_position > 1 then 1 else 0
        end
        + case
            when
                key_positions.opportunity_creation_position > 1
                and (
                    key_positions.lead_creation_position is null
                    or key_positions.opportunity_creation_position != key_positions.lead_creation_position
                )
                then 1
            else 0
        end as w_key_touch_count
    from key_positions

),

weighted as (

    select
        conversion_key,
        conversion_type,
        conversion_id,
        lead_id,
        opportunity_id,
        conversion_at,
        conversion_month,
        conversion_value,
        touchpoint_id,
        touched_at,
        touch_position,
        touch_count,
        channel_id,
        campaign_id,
        ad_id,
        false as is_unattributed,
        {{ attribution_weight('case when touch_position = 1 then 1 else 0 end') }} as weight_first_touch,
        {{ attribution_weight('case when touch_position = touch_count then 1 else 0 end') }} as weight_last_touch,
        {{ attribution_weight('1.0 / touch_count') }} as weight_linear,
        {{ attribution_weight('decay_factor / decay_factor_total') }} as weight_time_decay,
        {{ attribution_weight(
            'case
                when touch_count = 1 then 1.0
                when touch_count = 2 then 0.5
                when touch_position = 1 or touch_position = touch_count then 0.4
                else 0.2 / (touch_count - 2)
            end'
        ) }} as weight_position_based,
        -- 30 points per role held, 10 points shared by the other touches; normalised over the points present
        {{ attribution_weight(
            'case
                when touch_count = w_key_touch_count then 1.0 * w_role_count / w_roles_present
                when w_role_count > 0 then 30.0 * w_role_count / (30.0 * w_roles_present + 10)
                else 10.0 / ((touch_count - w_key_touch_count) * (30.0 * w_roles_present + 10))
            end'
        ) }} as weight_w_shaped
    from w_shaped_roles

),

-- conversions without an eligible touch: weight 1 to the explicit unattributed bucket in every model
unattributed as (

    select
        conversions.conversion_key,
        conversions.conversion_type,
        conversions.conversion_id,
        conversions.lead_id,
        conversions.opportunity_id,
        conversions.conversion_at,
        conversions.conversion_month,
        conversions.conversion_value,
        cast(null as {{ dbt.type_string() }}) as touchpoint_id,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        cast(null as {{ dbt.type_bigint() }}) as touch_position,
        cast(0 as {{ dbt.type_bigint() }}) as touch_count,
        'unattributed' as channel_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as ad_id,
        true as is_unattributed,
        {{ attribution_weight('1') }} as weight_first_touch,
        {{ attribution_weight('1') }} as weight_last_touch,
        {{ attribution_weight('1') }} as weight_linear,
        {{ attribution_weight('1') }} as weight_time_decay,
        {{ attribution_weight('1') }} as weight_position_based,
        {{ attribution_weight('1') }} as weight_w_shaped
    from conversions
    where not exists (
        select 1
        from eligible_touches
        where eligible_touches.conversion_key = conversions.conversion_key
    )

),

final as (

    select * from weighted
    union all
    select * from unattributed

)

select * from final
{%- endcall %}
