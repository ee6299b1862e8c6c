-- Meta ads -> the raw layout of ads_ads (text; typed and checked by base_ads__ads). The latest version of each ad
-- (ad_id 'facebook_ads:<id>') under its campaign. Format: carousel when the creative has child attachments, else
-- the creative's object_type through var facebook_ads_format_map (VIDEO video, PHOTO / SHARE image, STATUS text),
-- var ads_default_format otherwise.

with

ad_versions as (

    {{ vendor_table('facebook_ads', 'ad_history', [
        'id', 'updated_time:timestamp', 'name', 'campaign_id', 'creative_id',
    ]) | indent(4) }}

),

creative_versions as (

    {{ vendor_table('facebook_ads', 'creative_history', [
        'id', '_fivetran_synced:timestamp', 'object_type', 'object_story_link_data_child_attachments',
    ]) | indent(4) }}

),

ads as (

    select
        {{ vendor_text('id') }} as ad_key,
        {{ vendor_text('name') }} as ad_name,
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
        {{ vendor_text('object_type') }} as object_type,
        coalesce(
            nullif(trim({{ vendor_text('object_story_link_data_child_attachments') }}), ''), '[]'
        ) <> '[]' as is_carousel,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('_fivetran_synced') }} desc
        ) as version_rank
    from creative_versions

),

mapped as (

    select
        -- ids
        'facebook_ads:' || ads.ad_key as ad_id,
        'facebook_ads:' || ads.campaign_key as campaign_id,

        -- strings
        coalesce(nullif(trim(ads.ad_name), ''), 'ad ' || ads.ad_key) as ad_name,
        case
            when creatives.is_carousel then 'carousel'
            else {{ vendor_value_map(
                'creatives.object_type', adapter_setting('facebook_ads_format_map'),
                "'" ~ adapter_setting('ads_default_format') ~ "'"
            ) | indent(12) }}
        end as ad_format

    from ads
    left join creatives
        on ads.creative_key = creatives.creative_key and creatives.version_rank = 1
    where ads.version_rank = 1

)

select * from mapped
