-- kpi_marketing_roi: for every month and model, the rows of each dimension type (channel group, channel,
-- campaign, ad; buckets included) add up to the total row, for spend, pipeline and revenue; and the total
-- spend equals fct_marketing_spend_daily.
with

marketing_roi as (

    select * from {{ ref('kpi_marketing_roi') }}

),

spend_monthly as (

    select
        spend_month as period_month,
        sum(spend_amount_reporting) as marketing_spend
    from {{ ref('fct_marketing_spend_daily') }}
    group by spend_month

),

by_dimension_type as (

    select
        period_month,
        attribution_model,
        dimension_type,
        sum(marketing_spend) as marketing_spend,
        sum(attributed_pipeline) as attributed_pipeline,
        sum(attributed_revenue) as attributed_revenue
    from marketing_roi
    where dimension_type != 'total'
    group by period_month, attribution_model, dimension_type

),

totals as (

    select
        period_month,
        attribution_model,
        marketing_spend,
        attributed_pipeline,
        attributed_revenue
    from marketing_roi
    where dimension_type = 'total'

),

compared as (

    select
        totals.period_month,
        totals.attribution_model,
        by_dimension_type.dimension_type,
        totals.marketing_spend,
        by_dimension_type.marketing_spend as dimension_marketing_spend,
        coalesce(spend_monthly.marketing_spend, 0) as fact_marketing_spend,
        totals.attributed_pipeline,
        by_dimension_type.attributed_pipeline as dimension_attributed_pipeline,
        totals.attributed_revenue,
        by_dimension_type.attributed_revenue as dimension_attributed_revenue
    from totals
    inner join by_dimension_type
        on
            totals.period_month = by_dimension_type.period_month
            and totals.attribution_model = by_dimension_type.attribution_model
    left join spend_monthly
        on totals.period_month = spend_monthly.period_month

)

select * from compared
where
    abs(marketing_spend - dimension_marketing_spend) > 0.01
    or abs(marketing_spend - fact_marketing_spend) > 0.01
    or abs(attributed_pipeline - dimension_attributed_pipeline) > 0.05
    or abs(attributed_revenue - dimension_attributed_revenue) > 0.05
