{#-
    Marketing ROI and ROAS per month x dimension (total, channel group, channel, campaign, ad) x attribution
    model: media spend (fct_marketing_spend_daily, reporting currency), attributed opportunities, pipeline, won
    deals and revenue (fct_attribution_credit), ROI = (revenue - spend) / spend and ROAS = revenue / spend
    with their parts. Full outer coverage: every month of the activity calendar x every dimension value with
    any spend or any credit x every model, zeros where a side is missing. kpi_marketing_roi publishes it;
    kpi_attributed_acquisition takes its total, channel-group and channel rows, so the two marts share one
    spine and one spend side without one mart reading the other.
-#}
{{ config(enabled=kpi_areas_enabled('attribution')) }}
{%- set dimensions = [
    ('total', "'all'"),
    ('channel_group', 'channel_group'),
    ('channel', 'channel_id'),
    ('campaign', 'campaign_id'),
    ('ad', 'ad_id'),
] %}
with

months as (

    {{ kpi_months() }}

),

attribution_models as (

    {%- for model_name in attribution_models() %}
        select '{{ model_name }}' as attribution_model
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

channels as (

    select
        channel_id,
        channel_group
    from {{ ref('dim_channels') }}

),

spend_daily as (

    select
        spend_month,
        channel_id,
        campaign_id,
        ad_id,
        spend_amount_reporting
    from {{ ref('fct_marketing_spend_daily') }}

),

attribution_credit as (

    select
        conversion_month,
        attribution_model,
        conversion_type,
        channel_id,
        campaign_id,
        ad_id,
        is_unattributed,
        attributed_conversions,
        attributed_revenue
    from {{ ref('fct_attribution_credit') }}
    where conversion_type in ('opportunity_created', 'deal_won')

),

spend as (

    select
        spend_daily.spend_month as period_month,
        coalesce(spend_daily.channel_id, 'unmapped') as channel_id,
        coalesce(channels.channel_group, 'unknown') as channel_group,
        coalesce(spend_daily.campaign_id, 'no_campaign') as campaign_id,
        -- campaign-level spend not booked on an ad
        coalesce(spend_daily.ad_id, 'no_ad') as ad_id,
        spend_daily.spend_amount_reporting
    from spend_daily
    left join channels
        on spend_daily.channel_id = channels.channel_id

),

-- credit for pipeline and revenue, pre-aggregated to the finest dimension before the fan-out
credit as (

    select
        attribution_credit.conversion_month as period_month,
        attribution_credit.attribution_model,
        attribution_credit.channel_id,
        coalesce(channels.channel_group, 'unknown') as channel_group,
        coalesce(
            attribution_credit.campaign_id,
            case when attribution_credit.is_unattributed then 'unattributed' else 'no_campaign' end
        ) as campaign_id,
        coalesce(
            attribution_credit.ad_id,
            case when attribution_credit.is_unattributed then 'unattributed' else 'no_ad' end
        ) as ad_id,
        sum(
            case
                when attribution_credit.conversion_type = 'opportunity_created'
                    then attribution_credit.attributed_conversions
                else 0
            end
        ) as attributed_opportunities,
        sum(
            case
                when attribution_credit.conversion_type = 'opportunity_created'
                    then attribution_credit.attributed_revenue
                else 0
            end
        ) as attributed_pipeline,
        sum(
            case
                when attribution_credit.conversion_type = 'deal_won'
                    then attribution_credit.attributed_conversions
                else 0
            end
        ) as attributed_deals,
        sum(
            case
                when attribution_credit.conversion_type = 'deal_won'
                    then attribution_credit.attributed_revenue
                else 0
            end
        ) as attributed_revenue
    from attribution_credit
    left join channels
        on attribution_credit.channel_id = channels.channel_id
    group by 1, 2, 3, 4, 5, 6

),

spend_by_dimension as (

    {%- for dimension_type, dimension_column in dimensions %}

        select
            period_month,
            '{{ dimension_type }}' as dimension_type,
            {{ dimension_column }} as dimension_value,
            sum(spend_amount_reporting) as marketing_spend
        from spend
        group by 1, 2, 3
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

credit_by_dimension as (

    {%- for dimension_type, dimension_column in dimensions %}

        select
            period_month,
            attribution_model,
            '{{ dimension_type }}' as dimension_type,
            {{ dimension_column }} as dimension_value,
            sum(attributed_opportunities) as attributed_opportunities,
            sum(attributed_pipeline) as attributed_pipeline,
            sum(attributed_deals) as attributed_deals,
            sum(attributed_revenue) as attributed_revenue
        from credit
        group by 1, 2, 3, 4
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

-- every dimension value with any spend or any credit, in any month and model, plus the total
dimensions as (

    select
        'total' as dimension_type,
        'all' as dimension_value
    union
    select
        dimension_type,
        dimension_value
    from spend_by_dimension
    union
    select
        dimension_type,
        dimension_value
    from credit_by_dimension

),

spine as (

    select
        months.period_month,
        months.fiscal_year,
        months.fiscal_quarter,
        dimensions.dimension_type,
        dimensions.dimension_value,
        attribution_models.attribution_model
    from months
    cross join dimensions
    cross join attribution_models

),

joined as (

    select
        spine.period_month,
        spine.fiscal_year,
        spine.fiscal_quarter,
        spine.dimension_type,
        spine.dimension_value,
        spine.attribution_model,
        cast(coalesce(spend_by_dimension.marketing_spend, 0) as numeric(20, 6)) as marketing_spend,
        cast(coalesce(credit_by_dimension.attributed_opportunities, 0) as numeric(18, 9)) as attributed_opportunities,
        cast(coalesce(credit_by_dimension.attributed_pipeline, 0) as numeric(20, 6)) as attributed_pipeline,
        cast(coalesce(credit_by_dimension.attributed_deals, 0) as numeric(18, 9)) as attributed_deals,
        cast(coalesce(credit_by_dimension.attributed_revenue, 0) as numeric(20, 6)) as attributed_revenue
    from spine
    left join spend_by_dimension
        on
            spine.period_month = spend_by_dimension.period_month
            and spine.dimension_type = spend_by_dimension.dimension_type
            and spine.dimension_value = spend_by_dimension.dimension_value
    left join credit_by_dimension
        on
            spine.period_month = credit_by_dimension.period_month
            and spine.attribution_model = credit_by_dimension.attribution_model
            and spine.dimension_type = credit_by_dimension.dimension_type
            and spine.dimension_value = credit_by_dimension.dimension_value

),

final as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        attribution_model,
        attribution_model = '{{ attribution_default_model() }}' as is_default_model,
        marketing_spend,
        attributed_opportunities,
        attributed_pipeline,
        attributed_deals,
        attributed_revenue,
        -- ROI = (attributed revenue - spend) / spend
        attributed_revenue - marketing_spend as roi_numerator,
        marketing_spend as roi_denominator,
        {{ attribution_ratio('attributed_revenue - marketing_spend', 'marketing_spend') }} as roi,
        -- ROAS = attributed revenue / spend
        attributed_revenue as roas_numerator,
        marketing_spend as roas_denominator,
        {{ attribution_ratio('attributed_revenue', 'marketing_spend') }} as roas
    from joined

)

select * from final
