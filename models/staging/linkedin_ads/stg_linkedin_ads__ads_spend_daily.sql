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
        {{ vendor_text('cost_in_local_currency') }} as local_cost_text,
        {{ vendor_decimal('impressions') }} as impressions,
        {{ vendor_text('impressions') }} as impressions_text,
        {{ vendor_decimal('clicks') }} as clicks,
        {{ vendor_text('clicks') }} as clicks_text
    from analytics

),

creative_days as (

    select
        creative_key,
        spend_date,
        -- each row checked before it is summed (checked_segment_sum, macros/vendor_adapters/vendor_values.sql)
        {{ checked_segment_sum('local_cost', 'local_cost_text') }} as spend_amount,
        {{ checked_segment_sum('impressions', 'impressions_text', kind='count', null_as_zero=true) }} as impressions,
        {{ checked_segment_sum('clicks', 'clicks_text', kind='count', null_as_zero=true) }} as clicks
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
        creative_days.spend_amount,
        creative_days.impressions,
        creative_days.clicks

    from creative_days
    left join creatives
        on creative_days.creative_key = creatives.creative_key and creatives.version_rank = 1
    left join campaigns
        on creatives.campaign_key = campaigns.campaign_key and campaigns.version_rank = 1
    left join accounts
        on campaigns.account_key = accounts.account_key and accounts.version_rank = 1

)

select * from mapped
