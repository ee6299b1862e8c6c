-- LinkedIn daily analytics per creative -> the raw layout of ads_spend_daily (text; typed and checked by
-- base_ads__spend_daily). One row per creative and day (summed), cost in the local currency of the campaign's ad
-- account (cost_in_local_currency; the account's latest currency), clicks and impressions as reported. spend_id
-- 'linkedin_ads:<creative>:<day>'.

with

analytics as (

    {{ vendor_table('linkedin_ads', 'ad_analytics_by_creative', [
        'creative_id', 'day:timestamp>report_day', 'cost_in_local_currency:double', 'impressions:bigint',
        'clicks:bigint',
    ]) | indent(4) }}

),

creative_versions as (

    {{ vendor_table('linkedin_ads', 'creative_history', [
        'id', 'campaign_id', 'last_modified_at:timestamp',
    ]) | indent(4) }}

),

campaign_versions as (

    {{ vendor_table('linkedin_ads', 'campaign_history', [
        'id', 'account_id', 'last_modified_time:timestamp',
    ]) | indent(4) }}

),

account_versions as (

    {{ vendor_table('linkedin_ads', 'account_history', [
        'id', 'currency', 'last_modified_time:timestamp',
    ]) | indent(4) }}

),

creatives as (

    select
        {{ vendor_text('id') }} as creative_key,
        {{ vendor_text('campaign_id') }} as campaign_key,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('last_modified_at') }} desc
        ) as version_rank
    from creative_versions

),

campaigns as (

    select
        {{ vendor_text('id') }} as campaign_key,
        {{ vendor_text('account_id') }} as account_key,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('last_modified_time') }} desc
        ) as version_rank
    from campaign_versions

),

accounts as (

    select
        {{ vendor_text('id') }} as account_key,
        upper(trim({{ vendor_text('currency') }})) as currency,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('last_modified_time') }} desc
        ) as version_rank
    from account_versions

),

report_rows as (

    select
        {{ vendor_text('creative_id') }} as creative_key,
        {{ vendor_date_text('report_day') }} as spend_date,
        {{ vendor_decimal('cost_in_local_currency') }} as local_cost,
        {{ vendor_decimal('impressions') }} as impressions,
        {{ vendor_decimal('clicks') }} as clicks
    from analytics

),

creative_days as (

    select
        creative_key,
        spend_date,
        sum(local_cost) as local_cost,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from report_rows
    group by creative_key, spend_date

),

mapped as (

    select
        -- ids
        'linkedin_ads:' || creative_days.creative_key || ':' || creative_days.spend_date as spend_id,
        'linkedin_ads:' || creatives.campaign_key as campaign_id,
        'linkedin_ads:' || creative_days.creative_key as ad_id,

        -- dates
        creative_days.spend_date,

        -- numerics
        accounts.currency,
        {{ decimal_text('creative_days.local_cost') }} as spend_amount,
        cast(cast(coalesce(creative_days.impressions, 0) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
            as impressions,
        cast(cast(coalesce(creative_days.clicks, 0) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }}) as clicks

    from creative_days
    left join creatives
        on creative_days.creative_key = creatives.creative_key and creatives.version_rank = 1
    left join campaigns
        on creatives.campaign_key = campaigns.campaign_key and campaigns.version_rank = 1
    left join accounts
        on campaigns.account_key = accounts.account_key and accounts.version_rank = 1

)

select * from mapped
