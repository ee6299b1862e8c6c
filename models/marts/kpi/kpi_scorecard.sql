{%- set on_track_attainment = var('scorecard_on_track_attainment', 1.0) -%}
{%- set at_risk_attainment = var('scorecard_at_risk_attainment', 0.9) -%}
{%- set pacing_days = checked_choice_var('pacing_days', 'calendar', ['calendar', 'business']) -%}
{%- set kpis = scorecard_kpis() -%}
{#- Volume KPIs (additive: true): a month to date is compared with the month-to-date share of the month's
    target (pacing). Every other KPI (costs per unit, rates, ROI, retention, MRR: a level, not a sum of days)
    compares as is. -#}
{%- set additive_kpi_list = "'" ~ (kpis | selectattr('additive') | map(attribute='name') | join("', '")) ~ "'" -%}

with

-- one row per KPI, month and dimension value, from the KPI definitions (var scorecard_kpis, dbt_project.yml):
-- kpi_name (the key of ref_kpi_targets), direction and the value with its parts. Counts have the count as
-- numerator and no denominator.
kpi_values as (
    {%- for kpi in kpis %}

        select
            '{{ kpi.name }}' as kpi_name,
            '{{ kpi.direction }}' as direction,
            period_month,
            fiscal_year,
            fiscal_quarter,
            dimension_type,
            dimension_value,
            {{ kpi_decimal(kpi.value) }} as kpi_value,
            {{ kpi_decimal(kpi.numerator) }} as numerator,
            {{ kpi_decimal(kpi.get('denominator') or 'null') }} as denominator
        from {{ ref(kpi.model) }}
        {%- if kpi.get('where') %}
            where {{ kpi.where }}
        {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

targets as (

    select
        target_month,
        kpi_name,
        dimension_type,
        dimension_value,
        target_value
    from {{ ref('stg_reference__kpi_targets') }}

),

-- pacing: the as-of month is not over until its last day; its days (calendar, or Monday-Friday with
-- var pacing_days = 'business') elapsed by the as-of date and in the whole month. Earlier months are full.

as_of as (

    select
        as_of_date,
        {{ month_start('as_of_date') }} as as_of_month,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, month_start('as_of_date'))) }} as date
        ) as as_of_month_end
    from {{ ref('int_as_of_date') }}

),

period_days as (

    select
        {{ month_start('day_spine.date_day') }} as period_month,
        {%- if pacing_days == 'business' %}
            sum(case when {{ iso_day_of_week('day_spine.date_day') }} <= 5 then 1 else 0 end) as days_in_period,
            sum(
                case
                    when {{ iso_day_of_week('day_spine.date_day') }} <= 5 and day_spine.date_day <= as_of.as_of_date
                        then 1
                    else 0
                end
            ) as days_elapsed,
        {%- else %}
            count(*) as days_in_period,
            sum(case when day_spine.date_day <= as_of.as_of_date then 1 else 0 end) as days_elapsed,
        {%- endif %}
        -- only the as-of month can be partial (a month after it, if a mart had one, compares as a full month)
        max(as_of.as_of_date) < max(day_spine.date_day)
        and max(as_of.as_of_date) >= min(day_spine.date_day) as is_partial_period
    from {{ period_spine(
        'day',
        '(select min(kpi_values.period_month) from kpi_values)',
        '(select greatest(max(as_of.as_of_month_end), cast('
        ~ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'max(kpi_values.period_month)'))
        ~ ' as date)) from as_of cross join kpi_values)'
    ) }}
    cross join as_of
    group by 1

),

with_targets as (

    select
        kpi_values.*,
        {{ kpi_decimal('targets.target_value') }} as target_value,
        coalesce(period_days.is_partial_period, false) as is_partial_period,
        period_days.days_elapsed,
        period_days.days_in_period,
        kpi_values.kpi_name in ({{ additive_kpi_list }}) as is_additive
    from kpi_values
    left join targets
        on
            kpi_values.kpi_name = targets.kpi_name
            and kpi_values.period_month = targets.target_month
            and kpi_values.dimension_type = targets.dimension_type
            and kpi_values.dimension_value = targets.dimension_value
    left join period_days
        on kpi_values.period_month = period_days.period_month

),

paced as (

    select
        with_targets.*,
        -- the month-to-date share of the target (additive KPIs of a partial month), else the target
        case
            when with_targets.is_partial_period and with_targets.is_additive
                then {{ kpi_ratio(
                    'with_targets.target_value * with_targets.days_elapsed', 'with_targets.days_in_period'
                ) }}
            else with_targets.target_value
        end as pace_target,
        -- the month-to-date value run on to the end of the month at the same daily rate
        case
            when with_targets.is_partial_period and with_targets.is_additive
                then {{ kpi_ratio(
                    'with_targets.kpi_value * with_targets.days_in_period', 'with_targets.days_elapsed'
                ) }}
            else with_targets.kpi_value
        end as projected_value
    from with_targets

),

with_attainment as (

    select
        paced.*,
        -- value / target when higher is better, target / value when lower is better: above 1 is better;
        -- against the pace target, which is the target itself except for additive KPIs of a partial month
        case
            when paced.direction = 'higher_is_better'
                then {{ kpi_ratio('paced.kpi_value', 'paced.pace_target') }}
            else {{ kpi_ratio('paced.pace_target', 'paced.kpi_value') }}
        end as attainment
    from paced

),

with_previous as (

    select
        with_attainment.*,
        previous_period.kpi_value as previous_period_value
    from with_attainment
    left join with_attainment as previous_period
        on
            with_attainment.kpi_name = previous_period.kpi_name
            and with_attainment.dimension_type = previous_period.dimension_type
            and with_attainment.dimension_value = previous_period.dimension_value
            and previous_period.period_month
            = cast({{ dbt.dateadd('month', -1, 'with_attainment.period_month') }} as date)

),

final as (

    select
        kpi_name,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        direction,
        -- value and target are the scorecard's contract column names (non-reserved keywords)
        kpi_value as value,  -- noqa: RF04
        numerator,
        denominator,
        target_value as target,  -- noqa: RF04
        attainment,
        case
            when attainment is null then null
            when attainment >= {{ on_track_attainment }} then 'on_track'
            when attainment >= {{ at_risk_attainment }} then 'at_risk'
            else 'off_track'
        end as status,
        previous_period_value,
        {{ kpi_decimal('kpi_value - previous_period_value') }} as change_absolute,
        {{ kpi_ratio('kpi_value - previous_period_value', 'abs(previous_period_value)') }} as change_pct,
        is_partial_period,
        '{{ pacing_days }}' as pacing_days,
        cast(days_elapsed as integer) as days_elapsed,
        cast(days_in_period as integer) as days_in_period,
        {{ kpi_decimal('pace_target') }} as pace_target,
        {{ kpi_decimal('projected_value') }} as projected_value
    from with_previous

)

select * from final
