-- Per attribution model and month, attributed revenue of won deals equals the closed-won revenue of
-- fct_opportunities (close month), and attributed pipeline equals the pipeline created (created month);
-- the attributed deal and opportunity counts equal the counts. Read straight from the core fact.
with

opportunities as (

    select
        created_month,
        close_month,
        is_won,
        amount_reporting_at_created,
        amount_reporting_at_close
    from {{ ref('fct_opportunities') }}

),

attribution_models as (

    {%- for model_name in attribution_models() %}
        select '{{ model_name }}' as attribution_model
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

expected_conversions as (

    select
        'deal_won' as conversion_type,
        close_month as conversion_month,
        count(*) as conversions,
        sum(amount_reporting_at_close) as conversion_value
    from opportunities
    where is_won
    group by close_month
    union all
    select
        'opportunity_created' as conversion_type,
        created_month as conversion_month,
        count(*) as conversions,
        sum(amount_reporting_at_created) as conversion_value
    from opportunities
    group by created_month

),

expected as (

    select
        expected_conversions.*,
        attribution_models.attribution_model
    from expected_conversions
    cross join attribution_models

),

actual as (

    select
        conversion_type,
        conversion_month,
        attribution_model,
        sum(attributed_conversions) as attributed_conversions,
        sum(attributed_revenue) as attributed_revenue
    from {{ ref('fct_attribution_credit') }}
    where conversion_type in ('deal_won', 'opportunity_created')
    group by conversion_type, conversion_month, attribution_model

),

compared as (

    select
        coalesce(expected.conversion_type, actual.conversion_type) as conversion_type,
        coalesce(expected.conversion_month, actual.conversion_month) as conversion_month,
        coalesce(expected.attribution_model, actual.attribution_model) as attribution_model,
        coalesce(expected.conversions, 0) as expected_conversions,
        coalesce(actual.attributed_conversions, 0) as attributed_conversions,
        coalesce(expected.conversion_value, 0) as expected_value,
        coalesce(actual.attributed_revenue, 0) as attributed_value
    from expected
    full outer join actual
        on
            expected.conversion_type = actual.conversion_type
            and expected.conversion_month = actual.conversion_month
            and expected.attribution_model = actual.attribution_model

)

select * from compared
where
    abs(attributed_conversions - expected_conversions) > 1e-6
    or abs(attributed_value - expected_value) > 0.01
