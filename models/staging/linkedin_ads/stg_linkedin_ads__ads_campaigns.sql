-- LinkedIn campaigns -> the raw layout of ads_campaigns (text; typed and checked by base_ads__campaigns). The
-- latest version of each campaign (campaign_id 'linkedin_ads:<id>'). utm tags: those of the campaign's first
-- creative (by id) whose landing page carries any, else var linkedin_ads_default_utm and the campaign name as a
-- slug; channel: that utm pair in the utm map, else var linkedin_ads_default_channel. Objective: objective_type
-- through var linkedin_ads_objective_map. Start: run_schedule_start, else the creation; end: run_schedule_end.
{%- set default_utm = adapter_setting('linkedin_ads_default_utm') %}

with

campaign_versions as (

    {{ vendor_table('linkedin_ads', 'campaign_history', [
        'id', 'last_modified_time:timestamp', 'name', 'objective_type', 'run_schedule_start:timestamp',
        'run_schedule_end:timestamp', 'created_time:timestamp',
    ]) | indent(4) }}

),

creative_versions as (

    {{ vendor_table('linkedin_ads', 'creative_history', [
        'id', 'campaign_id', 'last_modified_at:timestamp', 'click_uri', 'text_ad_landing_page',
        'spotlight_landing_page',
    ]) | indent(4) }}

),

campaigns as (

    select
        {{ vendor_text('id') }} as campaign_key,
        {{ vendor_text('name') }} as campaign_name,
        {{ vendor_text('objective_type') }} as objective_type,
        coalesce(
            {{ vendor_date_text('run_schedule_start') }}, {{ vendor_date_text('created_time') }}
        ) as start_date,
        {{ vendor_date_text('run_schedule_end') }} as end_date,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('last_modified_time') }} desc
        ) as version_rank
    from campaign_versions

),

creatives as (

    select
        {{ vendor_text('id') }} as creative_key,
        {{ vendor_text('campaign_id') }} as campaign_key,
        {{ linkedin_creative_utm('utm_source') }} as utm_source,
        {{ linkedin_creative_utm('utm_medium') }} as utm_medium,
        {{ linkedin_creative_utm('utm_campaign') }} as utm_campaign,
        row_number() over (
            partition by {{ vendor_text('id') }}
            order by {{ vendor_timestamp('last_modified_at') }} desc
        ) as version_rank
    from creative_versions

),

campaign_utm as (

    select
        campaign_key,
        utm_source,
        utm_medium,
        utm_campaign,
        row_number() over (partition by campaign_key order by creative_key) as creative_rank
    from creatives
    where version_rank = 1 and (utm_source is not null or utm_medium is not null)

),

tagged as (

    select
        campaigns.campaign_key,
        campaigns.campaign_name,
        campaigns.objective_type,
        campaigns.start_date,
        campaigns.end_date,
        coalesce(campaign_utm.utm_source, {{ "'" ~ default_utm[0] ~ "'" if default_utm[0] else 'null' }}) as utm_source,
        coalesce(campaign_utm.utm_medium, {{ "'" ~ default_utm[1] ~ "'" if default_utm[1] else 'null' }}) as utm_medium,
        coalesce(campaign_utm.utm_campaign, {{ vendor_slug('campaigns.campaign_name') }}) as utm_campaign
    from campaigns
    left join campaign_utm
        on campaigns.campaign_key = campaign_utm.campaign_key and campaign_utm.creative_rank = 1
    where campaigns.version_rank = 1

),

mapped as (

    select
        -- ids
        'linkedin_ads:' || tagged.campaign_key as campaign_id,
        coalesce(
            exact_channel_map.channel_id,
            wildcard_channel_map.channel_id,
            '{{ adapter_setting("linkedin_ads_default_channel") }}'
        ) as channel_id,

        -- strings
        coalesce(nullif(trim(tagged.campaign_name), ''), tagged.campaign_key) as campaign_name,
        tagged.utm_campaign,
        {{ vendor_value_map(
            'tagged.objective_type', adapter_setting('linkedin_ads_objective_map'),
            "'" ~ adapter_setting('ads_default_objective') ~ "'"
        ) | indent(8) }} as objective,

        -- dates
        tagged.start_date,
        tagged.end_date

    from tagged
    {{ join_utm_channel_map('tagged') }}

)

select * from mapped
