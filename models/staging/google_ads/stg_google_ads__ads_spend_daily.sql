-- Google Ads daily stats -> the raw layout of ads_spend_daily (text; typed and checked by
-- base_ads__spend_daily). ad_stats is segmented (device, network): its rows are summed per ad and day, cost in
-- micros of the account's currency (cost_micros / 1,000,000; currency_code of the account's latest version). Each
-- segment's values are checked before they are summed: an unparseable or negative segment makes the summed row
-- carry that value, so the contract quarantines the ad-day (checked_segment_sum).
-- Campaigns with no ad-level stats on a day (Performance Max, Smart and App campaigns report per campaign only)
-- get their campaign_stats spend as campaign-level rows (ad_id empty). spend_id: 'google_ads:' and the ad group,
-- ad (or 'campaign' and the campaign) and day.

with

ad_stats as (

    {{ vendor_table('google_ads', 'ad_stats', [
        'customer_id', 'date:date>stat_date', 'ad_group_id', 'ad_id', 'campaign_id', 'cost_micros:bigint',
        'impressions:bigint', 'clicks:bigint',
    ]) | indent(4) }}

),

campaign_stats as (

    {{ vendor_table('google_ads', 'campaign_stats', [
        'customer_id', 'date:date>stat_date', 'id', 'cost_micros:bigint', 'impressions:bigint', 'clicks:bigint',
    ]) | indent(4) }}

),

account_versions as (

    {{ vendor_table(
        'google_ads', 'account_history', ['id', 'updated_at:timestamp', 'currency_code']
    ) | indent(4) }}

),

accounts as (

    select
        {{ vendor_text('id') }} as customer_key,
        upper(trim({{ vendor_text('currency_code') }})) as currency,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_at') }} desc
        ) as version_rank
    from account_versions

),

ad_days as (

    select
        {{ vendor_text('customer_id') }} as customer_key,
        {{ vendor_date_text('stat_date') }} as spend_date,
        {{ vendor_text('campaign_id') }} as campaign_key,
        {{ vendor_text('ad_group_id') }} as ad_group_key,
        {{ vendor_text('ad_id') }} as ad_key,
        -- each segment checked before it is summed (checked_segment_sum, macros/vendor_adapters/vendor_values.sql)
        {{ checked_segment_sum(
            vendor_decimal('cost_micros'), vendor_text('cost_micros'), divisor=1000000
        ) | indent(8) }} as spend_amount,
        {{ checked_segment_sum(vendor_decimal('impressions'), vendor_text('impressions'), kind='count') | indent(8) }}
            as impressions,
        {{ checked_segment_sum(vendor_decimal('clicks'), vendor_text('clicks'), kind='count') | indent(8) }} as clicks
    from ad_stats
    group by 1, 2, 3, 4, 5

),

ad_campaign_days as (

    select distinct
        campaign_key,
        spend_date
    from ad_days

),

-- campaign days without any ad-level row
campaign_days as (

    select
        {{ vendor_text('campaign_stats.customer_id') }} as customer_key,
        {{ vendor_date_text('campaign_stats.stat_date') }} as spend_date,
        {{ vendor_text('campaign_stats.id') }} as campaign_key,
        {{ checked_segment_sum(
            vendor_decimal('campaign_stats.cost_micros'), vendor_text('campaign_stats.cost_micros'), divisor=1000000
        ) | indent(8) }} as spend_amount,
        {{ checked_segment_sum(
            vendor_decimal('campaign_stats.impressions'), vendor_text('campaign_stats.impressions'), kind='count'
        ) | indent(8) }} as impressions,
        {{ checked_segment_sum(
            vendor_decimal('campaign_stats.clicks'), vendor_text('campaign_stats.clicks'), kind='count'
        ) | indent(8) }} as clicks
    from campaign_stats
    left join ad_campaign_days as with_ads
        on
            {{ vendor_text('campaign_stats.id') }} = with_ads.campaign_key
            and {{ vendor_date_text('campaign_stats.stat_date') }} = with_ads.spend_date
    where with_ads.campaign_key is null
    group by 1, 2, 3

),

spend_rows as (

    select
        'google_ads:' || ad_group_key || '~' || ad_key || ':' || spend_date as spend_id,
        customer_key,
        spend_date,
        campaign_key,
        'google_ads:' || ad_group_key || '~' || ad_key as ad_id,
        spend_amount,
        impressions,
        clicks
    from ad_days

    union all

    select
        'google_ads:campaign~' || campaign_key || ':' || spend_date as spend_id,
        customer_key,
        spend_date,
        campaign_key,
        cast(null as {{ dbt.type_string() }}) as ad_id,
        spend_amount,
        impressions,
        clicks
    from campaign_days

),

mapped as (

    select
        -- ids
        spend_rows.spend_id,
        'google_ads:' || spend_rows.campaign_key as campaign_id,
        spend_rows.ad_id,

        -- dates
        spend_rows.spend_date,

        -- numerics
        accounts.currency,
        spend_rows.spend_amount,
        spend_rows.impressions,
        spend_rows.clicks

    from spend_rows
    left join accounts
        on spend_rows.customer_key = accounts.customer_key and accounts.version_rank = 1

)

select * from mapped
