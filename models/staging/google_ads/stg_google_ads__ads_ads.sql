-- Google Ads ads -> the raw layout of ads_ads (text; typed and checked by base_ads__ads). The latest version of
-- each ad (keyed by ad group and ad id, as Google keys them: ad_id 'google_ads:<ad group>~<ad>'), under the
-- campaign of its ad group's latest version. Format: the ad type through var google_ads_format_map (text ads
-- text, display ads image, video ads video), var ads_default_format for other types. Name: the ad's name, else
-- its type and id (search ads have no name).

with

ad_versions as (

    {{ vendor_table('google_ads', 'ad_history', [
        'ad_group_id', 'id', 'updated_at:timestamp', 'name', 'type',
    ]) | indent(4) }}

),

ad_group_versions as (

    {{ vendor_table('google_ads', 'ad_group_history', ['id', 'updated_at:timestamp', 'campaign_id']) | indent(4) }}

),

ads as (

    select
        {{ vendor_text('ad_group_id') }} as ad_group_key,
        {{ vendor_text('id') }} as ad_key,
        {{ vendor_text('name') }} as ad_name,
        {{ vendor_text('type') }} as ad_type,
        row_number() over (
            partition by {{ vendor_text('ad_group_id') }}, {{ vendor_text('id') }}
            order by {{ vendor_timestamp('updated_at') }} desc
        ) as version_rank
    from ad_versions

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

mapped as (

    select
        -- ids
        'google_ads:' || ads.ad_group_key || '~' || ads.ad_key as ad_id,
        'google_ads:' || ad_groups.campaign_key as campaign_id,

        -- strings
        coalesce(
            nullif(trim(ads.ad_name), ''),
            lower(coalesce(ads.ad_type, 'ad')) || ' ' || ads.ad_key
        ) as ad_name,
        {{ vendor_value_map(
            'ads.ad_type', adapter_setting('google_ads_format_map'), "'" ~ adapter_setting('ads_default_format') ~ "'"
        ) | indent(8) }} as ad_format

    from ads
    left join ad_groups
        on ads.ad_group_key = ad_groups.ad_group_key and ad_groups.version_rank = 1
    where ads.version_rank = 1

)

select * from mapped
