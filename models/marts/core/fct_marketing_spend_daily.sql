{#-
    Incremental (one row per spend row, converted at its own date's FX rate):
    a run reprocesses the spend of the last incremental_lookback_days days
    before the latest spend_date held, up to the as-of date (delete+insert on
    spend_id). A changed campaign, channel or past FX rate needs --full-refresh.
-#}
{{ config(
    materialized='incremental',
    unique_key='spend_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
    pre_hook="{{ record_refresh_window('spend_date') }}",
) }}
{% call keyed_incremental_rows('spend_id') -%}

with

spend as (

    select * from {{ ref('int_spend_daily_checked') }}
    where spend_date <= {{ as_of_date() }}
    {%- if is_incremental() %}
        and spend_date >= {{ incremental_window_start('spend_date') }}
    {%- endif %}

),

campaigns as (

    select
        campaign_id,
        channel_id
    from {{ ref('dim_campaigns') }}

),

channels as (

    select
        channel_id,
        is_paid
    from {{ ref('dim_channels') }}

),

final as (

    select
        spend.spend_id,
        spend.spend_date,
        {{ month_start('spend.spend_date') }} as spend_month,
        spend.campaign_id,
        spend.ad_id,
        campaigns.channel_id,
        coalesce(channels.is_paid, false) as is_paid,
        spend.currency,
        cast(spend.spend_amount as numeric(20, 6)) as spend_amount,
        {{ to_reporting_currency('spend.spend_amount', 'spend.currency', 'fx_at_spend') }} as spend_amount_reporting,
        spend.impressions,
        spend.clicks
    from spend
    left join campaigns
        on spend.campaign_id = campaigns.campaign_id
    left join channels
        on campaigns.channel_id = channels.channel_id
    {{ join_fx_rate('fx_at_spend', 'spend.currency', 'spend.spend_date') }}

)

select * from final
{%- endcall %}
