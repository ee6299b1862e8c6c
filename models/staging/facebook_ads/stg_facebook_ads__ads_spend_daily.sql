-- Meta basic_ad report -> the raw layout of ads_spend_daily (text; typed and checked by base_ads__spend_daily).
-- One row per ad and day (rows of the same ad and day are summed), spend in the currency of the ad's account
-- (its latest version), inline link clicks as clicks; campaign: the ad's latest version. spend_id
-- 'facebook_ads:<ad>:<day>'.

with

report as (

    {{ vendor_table('facebook_ads', 'basic_ad', [
        'ad_id', 'date:date>report_date', 'account_id', 'spend:double', 'impressions:bigint',
        'inline_link_clicks:bigint',
    ]) | indent(4) }}

),

ad_versions as (

    {{ vendor_table('facebook_ads', 'ad_history', ['id', 'updated_time:timestamp', 'campaign_id']) | indent(4) }}

),

account_versions as (

    {{ vendor_table('facebook_ads', 'account_history', ['id', '_fivetran_synced:timestamp', 'currency']) | indent(4) }}

),

ads as (

    select
        {{ vendor_text('id') }} as ad_key,
        {{ vendor_text('campaign_id') }} as campaign_key,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_time') }} desc
        ) as version_rank
    from ad_versions

),

accounts as (

    select
        {{ vendor_text('id') }} as account_key,
        upper(trim({{ vendor_text('currency') }})) as currency,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('_fivetran_synced') }} desc
        ) as version_rank
    from account_versions

),

report_rows as (

    select
        {{ vendor_text('ad_id') }} as ad_key,
        {{ vendor_text('account_id') }} as account_key,
        {{ vendor_date_text('report_date') }} as spend_date,
        {{ vendor_decimal('spend') }} as spend,
        {{ vendor_text('spend') }} as spend_text,
        {{ vendor_decimal('impressions') }} as impressions,
        {{ vendor_text('impressions') }} as impressions_text,
        {{ vendor_decimal('inline_link_clicks') }} as clicks,
        {{ vendor_text('inline_link_clicks') }} as clicks_text
    from report

),

ad_days as (

    select
        ad_key,
        account_key,
        spend_date,
        -- each row checked before it is summed (checked_segment_sum, macros/vendor_adapters/vendor_values.sql)
        {{ checked_segment_sum('spend', 'spend_text') }} as spend_amount,
        {{ checked_segment_sum('impressions', 'impressions_text', kind='count', null_as_zero=true) }} as impressions,
        {{ checked_segment_sum('clicks', 'clicks_text', kind='count', null_as_zero=true) }} as clicks
    from report_rows
    group by ad_key, account_key, spend_date

),

mapped as (

    select
        -- ids
        'facebook_ads:' || ad_days.ad_key || ':' || ad_days.spend_date as spend_id,
        'facebook_ads:' || ads.campaign_key as campaign_id,
        'facebook_ads:' || ad_days.ad_key as ad_id,

        -- dates
        ad_days.spend_date,

        -- numerics
        accounts.currency,
        ad_days.spend_amount,
        ad_days.impressions,
        ad_days.clicks

    from ad_days
    left join ads
        on ad_days.ad_key = ads.ad_key and ads.version_rank = 1
    left join accounts
        on ad_days.account_key = accounts.account_key and accounts.version_rank = 1

)

select * from mapped
