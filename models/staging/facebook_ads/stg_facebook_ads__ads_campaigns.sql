-- Meta campaigns -> the raw layout of ads_campaigns (text; typed and checked by base_ads__campaigns). The latest
-- version of each campaign (campaign_id 'facebook_ads:<id>'). utm tags: those of the campaign's first ad (by id)
-- whose creative carries any (stg_facebook_ads__ads_ads has the rule), else var facebook_ads_default_utm and the
-- campaign name as a slug; channel: that utm pair in the utm map, else var facebook_ads_default_channel.
-- Objective through var facebook_ads_objective_map. Start: start_time, else the campaign's creation; end:
-- stop_time.
{%- set default_utm = adapter_setting('facebook_ads_default_utm') %}

with

campaign_versions as (

    {{ vendor_table('facebook_ads', 'campaign_history', [
        'id', 'updated_time:timestamp', 'name', 'objective', 'start_time:timestamp', 'stop_time:timestamp',
        'created_time:timestamp',
    ]) | indent(4) }}

),

ad_versions as (

    {{ vendor_table('facebook_ads', 'ad_history', [
        'id', 'updated_time:timestamp', 'campaign_id', 'creative_id',
    ]) | indent(4) }}

),

creative_versions as (

    {{ vendor_table('facebook_ads', 'creative_history', [
        'id', '_fivetran_synced:timestamp', 'url_tags', 'object_story_link_data_link', 'page_link',
        'template_page_link',
    ]) | indent(4) }}

),

campaigns as (

    select
        {{ vendor_text('id') }} as campaign_key,
        {{ vendor_text('name') }} as campaign_name,
        {{ vendor_text('objective') }} as objective,
        coalesce({{ vendor_date_text('start_time') }}, {{ vendor_date_text('created_time') }}) as start_date,
        {{ vendor_date_text('stop_time') }} as end_date,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_time') }} desc
        ) as version_rank
    from campaign_versions

),

ads as (

    select
        {{ vendor_text('id') }} as ad_key,
        {{ vendor_text('campaign_id') }} as campaign_key,
        {{ vendor_text('creative_id') }} as creative_key,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_time') }} desc
        ) as version_rank
    from ad_versions

),

creatives as (

    select
        {{ vendor_text('id') }} as creative_key,
        {{ facebook_creative_utm('utm_source') }} as utm_source,
        {{ facebook_creative_utm('utm_medium') }} as utm_medium,
        {{ facebook_creative_utm('utm_campaign') }} as utm_campaign,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('_fivetran_synced') }} desc
        ) as version_rank
    from creative_versions

),

campaign_utm as (

    select
        ads.campaign_key,
        creatives.utm_source,
        creatives.utm_medium,
        creatives.utm_campaign,
        row_number() over (partition by ads.campaign_key order by ads.ad_key) as ad_rank
    from ads
    inner join creatives
        on ads.creative_key = creatives.creative_key and creatives.version_rank = 1
    where ads.version_rank = 1 and (creatives.utm_source is not null or creatives.utm_medium is not null)

),

tagged as (

    select
        campaigns.campaign_key,
        campaigns.campaign_name,
        campaigns.objective,
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
        'facebook_ads:' || tagged.campaign_key as campaign_id,
        coalesce(
            exact_channel_map.channel_id,
            wildcard_channel_map.channel_id,
            '{{ adapter_setting("facebook_ads_default_channel") }}'
        ) as channel_id,

        -- strings
        coalesce(nullif(trim(tagged.campaign_name), ''), tagged.campaign_key) as campaign_name,
        tagged.utm_campaign,
        {{ vendor_value_map(
            'tagged.objective', adapter_setting('facebook_ads_objective_map'),
            "'" ~ adapter_setting('ads_default_objective') ~ "'"
        ) | indent(8) }} as objective,

        -- dates
        tagged.start_date,
        tagged.end_date

    from tagged
    {{ join_utm_channel_map('tagged') }}

)

select * from mapped
