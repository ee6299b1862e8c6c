-- LinkedIn creatives -> the raw layout of ads_ads (text; typed and checked by base_ads__ads). The latest version
-- of each creative (ad_id 'linkedin_ads:<id>') under its campaign. Name: LinkedIn creatives have none in the
-- analytics sync: 'creative <id>' with its type. Format: the type through var linkedin_ads_format_map, var
-- ads_default_format otherwise.

with

creative_versions as (

    {{ vendor_table('linkedin_ads', 'creative_history', [
        'id', 'campaign_id', 'type', 'last_modified_at:timestamp',
    ]) | indent(4) }}

),

creatives as (

    select
        {{ vendor_text('id') }} as creative_key,
        {{ vendor_text('campaign_id') }} as campaign_key,
        {{ vendor_text('type') }} as creative_type,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('last_modified_at') }} desc
        ) as version_rank
    from creative_versions

),

mapped as (

    select
        -- ids
        'linkedin_ads:' || creative_key as ad_id,
        'linkedin_ads:' || campaign_key as campaign_id,

        -- strings
        'creative ' || creative_key || coalesce(' (' || lower(creative_type) || ')', '') as ad_name,
        {{ vendor_value_map(
            'creative_type', adapter_setting('linkedin_ads_format_map'),
            "'" ~ adapter_setting('ads_default_format') ~ "'"
        ) | indent(8) }} as ad_format

    from creatives
    where version_rank = 1

)

select * from mapped
