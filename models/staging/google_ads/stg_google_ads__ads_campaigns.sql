-- Google Ads campaigns -> the raw layout of ads_campaigns (text; typed and checked by base_ads__campaigns). The
-- latest version of each campaign; the id is prefixed 'google_ads:' so it cannot collide with another
-- platform's. utm_source / utm_medium / utm_campaign: the parameters of the final URL of the campaign's first ad
-- (by ad group and ad id) that carries them, else var google_ads_default_utm and the campaign name as a slug.
-- Channel: that utm pair in the utm map (stg_reference__utm_channel_map: exact pair, then '*' for the medium),
-- so spend and the leads it brings share a channel; var google_ads_default_channel when the map has no row.
-- Objective: advertising_channel_type through var google_ads_objective_map. An end date of 2037-12-30 is Google's
-- "no end date".
{%- set default_utm = adapter_setting('google_ads_default_utm') %}

with

campaign_versions as (

    {{ vendor_table('google_ads', 'campaign_history', [
        'id', 'updated_at:timestamp', 'name', 'advertising_channel_type', 'start_date:date', 'end_date:date',
    ]) | indent(4) }}

),

ad_group_versions as (

    {{ vendor_table('google_ads', 'ad_group_history', ['id', 'updated_at:timestamp', 'campaign_id']) | indent(4) }}

),

ad_versions as (

    {{ vendor_table('google_ads', 'ad_history', [
        'ad_group_id', 'id', 'updated_at:timestamp', 'final_urls',
    ]) | indent(4) }}

),

campaigns as (

    select
        {{ vendor_text('id') }} as campaign_key,
        {{ vendor_text('name') }} as campaign_name,
        {{ vendor_text('advertising_channel_type') }} as advertising_channel_type,
        {{ vendor_date_text('start_date') }} as start_date,
        {{ vendor_date_text('end_date') }} as end_date,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_at') }} desc
        ) as version_rank
    from campaign_versions

),

ad_groups as (

    select
        {{ vendor_text('id') }} as ad_group_key,
        {{ vendor_text('campaign_id') }} as campaign_key,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_at') }} desc
        ) as version_rank
    from ad_group_versions

),

ads as (

    select
        {{ vendor_text('ad_group_id') }} as ad_group_key,
        {{ vendor_text('id') }} as ad_key,
        {{ url_parameter('final_urls', 'utm_source') }} as utm_source,
        {{ url_parameter('final_urls', 'utm_medium') }} as utm_medium,
        {{ url_parameter('final_urls', 'utm_campaign') }} as utm_campaign,
        row_number() over (
            partition by {{ vendor_text('ad_group_id') }}, {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_at') }} desc
        ) as version_rank
    from ad_versions

),

-- the utm tags of the campaign's first tagged ad
campaign_utm as (

    select
        ad_groups.campaign_key,
        ads.utm_source,
        ads.utm_medium,
        ads.utm_campaign,
        row_number() over (
            partition by ad_groups.campaign_key
            order by ads.ad_group_key, ads.ad_key
        ) as ad_rank
    from ads
    inner join ad_groups
        on ads.ad_group_key = ad_groups.ad_group_key and ad_groups.version_rank = 1
    where ads.version_rank = 1 and (ads.utm_source is not null or ads.utm_medium is not null)

),

tagged as (

    select
        campaigns.campaign_key,
        campaigns.campaign_name,
        campaigns.advertising_channel_type,
        campaigns.start_date,
        campaigns.end_date,
        coalesce(campaign_utm.utm_source, {{ "'" ~ default_utm[0] ~ "'" if default_utm[0] else 'null' }}) as utm_source,
        coalesce(campaign_utm.utm_medium, {{ "'" ~ default_utm[1] ~ "'" if default_utm[1] else 'null' }}) as utm_medium,
        coalesce(campaign_utm.utm_campaign, {{ vendor_slug('campaigns.campaign_name') }}) as utm_campaign
    from campaigns
    left join campaign_utm
        on campaigns.campaign_key = campaign_utm.campaign_key and campaign_utm.ad_rank = 1
    where campaigns.version_rank = 1

),

mapped as (

    select
        -- ids
        'google_ads:' || tagged.campaign_key as campaign_id,
        coalesce(
            exact_channel_map.channel_id,
            wildcard_channel_map.channel_id,
            '{{ adapter_setting("google_ads_default_channel") }}'
        ) as channel_id,

        -- strings
        coalesce(nullif(trim(tagged.campaign_name), ''), tagged.campaign_key) as campaign_name,
        tagged.utm_campaign,
        {{ vendor_value_map(
            'tagged.advertising_channel_type', adapter_setting('google_ads_objective_map'),
            "'" ~ adapter_setting('ads_default_objective') ~ "'"
        ) | indent(8) }} as objective,

        -- dates
        tagged.start_date,
        case when tagged.end_date <> '2037-12-30' then tagged.end_date end as end_date

    from tagged
    {{ join_utm_channel_map('tagged') }}

)

select * from mapped
