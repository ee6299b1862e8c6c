{#- facebook_creative_utm(parameter): a utm parameter of a Meta creative (columns of creative_history): its
    url_tags (Fivetran's JSON array of {key, value}, or a query string), else the query string of its link
    (object_story_link_data_link), page_link or template_page_link. Lower-cased; null when none has it. -#}
{% macro facebook_creative_utm(parameter) -%}
    coalesce(
        {{ json_url_tag('url_tags', parameter) }},
        {{ url_parameter('url_tags', parameter) }},
        {{ url_parameter('object_story_link_data_link', parameter) }},
        {{ url_parameter('page_link', parameter) }},
        {{ url_parameter('template_page_link', parameter) }}
    )
{%- endmacro %}


{#- linkedin_creative_utm(parameter): a utm parameter of a LinkedIn creative's landing page: click_uri (text ads
    and the older API), else text_ad_landing_page, else spotlight_landing_page. -#}
{% macro linkedin_creative_utm(parameter) -%}
    coalesce(
        {{ url_parameter('click_uri', parameter) }},
        {{ url_parameter('text_ad_landing_page', parameter) }},
        {{ url_parameter('spotlight_landing_page', parameter) }}
    )
{%- endmacro %}


{#-
    The ad platforms' mapping onto the contract's ad tables, one query for all three (like Fivetran's
    dbt_ad_reporting: get_query(platform, report, field_mapping)): ad_platform_query(platform, report) reads the
    platform's staging models (stg_<platform>__<vendor table>) as ad_platform_fields(platform) says and outputs
    the raw layout of `report` (ads_campaigns, ads_ads or ads_spend_daily); the models
    int_<platform>__<report> (models/intermediate/vendor_adapters/<platform>/) are this one call.
-#}

{#- ad_platform_fields(platform): the field mapping of an ad platform (google_ads, facebook_ads, linkedin_ads):
    per report, which staging models and which columns or SQL expressions over them give each contract field.
    A join is [staging table, using column, column it adds]; expressions read the staging columns unqualified.
      - ads_campaigns: objective (the column mapped through var <platform>_objective_map), start_date and
        end_date (timestamps or dates, written as dates); tagged_ads: the ads whose utm tags tag their campaign
        (from, join, and order_by: which tagged ad is the campaign's first);
      - ads_ads: from, join, ad_key (the platform's ad id), ad_name and ad_format (expressions);
      - ads_spend_daily: report (the stats table, one row per synced segment), keys (its columns the rows are
        summed by, with the day), ad_key, spend / impressions / clicks (metric columns; spend divided by
        divisor), null_as_zero (an empty impressions or clicks value counts as none), joins (campaign and
        currency), campaign_report (optional, {report, keys}: campaign-level stats for the campaign days without
        ad stats). -#}
{% macro ad_platform_fields(platform) -%}
    {%- set default_format = "'" ~ adapter_setting('ads_default_format') ~ "'" -%}
    {%- set format_map = adapter_setting(platform ~ '_format_map') -%}
    {%- if platform == 'google_ads' -%}
        {{ return({
            'ads_campaigns': {
                'objective': 'advertising_channel_type',
                'start_date': 'start_date',
                'end_date': "nullif(end_date, cast('2037-12-30' as date))",
                'tagged_ads': {
                    'from': 'ad_history', 'join': ['ad_group_history', 'ad_group_id', 'campaign_id'],
                    'order_by': 'ad_group_id, ad_id',
                },
            },
            'ads_ads': {
                'from': 'ad_history', 'join': ['ad_group_history', 'ad_group_id', 'campaign_id'],
                'ad_key': "ad_group_id || '~' || ad_id",
                'ad_name': "coalesce(nullif(trim(ad_name), ''), lower(coalesce(ad_type, 'ad')) || ' ' || ad_id)",
                'ad_format': vendor_value_map('ad_type', format_map, default_format),
            },
            'ads_spend_daily': {
                'report': 'ad_stats', 'keys': ['customer_id', 'campaign_id', 'ad_group_id', 'ad_id'],
                'ad_key': "ad_group_id || '~' || ad_id",
                'spend': 'cost_micros', 'divisor': 1000000, 'impressions': 'impressions', 'clicks': 'clicks',
                'null_as_zero': false,
                'joins': [['account_history', 'customer_id', 'currency']],
                'campaign_report': {'report': 'campaign_stats', 'keys': ['customer_id', 'campaign_id']},
            },
        }) }}
    {%- elif platform == 'facebook_ads' -%}
        {{ return({
            'ads_campaigns': {
                'objective': 'objective',
                'start_date': 'coalesce(start_time, created_time)',
                'end_date': 'stop_time',
                'tagged_ads': {
                    'from': 'ad_history',
                    'join': ['creative_history', 'creative_id', 'utm_source, utm_medium, utm_campaign'],
                    'order_by': 'ad_id',
                },
            },
            'ads_ads': {
                'from': 'ad_history', 'join': ['creative_history', 'creative_id', 'object_type, child_attachments'],
                'ad_key': 'ad_id',
                'ad_name': "coalesce(nullif(trim(ad_name), ''), 'ad ' || ad_id)",
                'ad_format': "case when coalesce(nullif(trim(child_attachments), ''), '[]') <> '[]' "
                    ~ "then 'carousel' else " ~ vendor_value_map('object_type', format_map, default_format) ~ " end",
            },
            'ads_spend_daily': {
                'report': 'basic_ad', 'keys': ['ad_id', 'account_id'], 'ad_key': 'ad_id',
                'spend': 'spend', 'divisor': none, 'impressions': 'impressions', 'clicks': 'inline_link_clicks',
                'null_as_zero': true,
                'joins': [['ad_history', 'ad_id', 'campaign_id'], ['account_history', 'account_id', 'currency']],
            },
        }) }}
    {%- elif platform == 'linkedin_ads' -%}
        {{ return({
            'ads_campaigns': {
                'objective': 'objective_type',
                'start_date': 'coalesce(run_schedule_start, created_time)',
                'end_date': 'run_schedule_end',
                'tagged_ads': {'from': 'creative_history', 'join': none, 'order_by': 'creative_id'},
            },
            'ads_ads': {
                'from': 'creative_history', 'join': none,
                'ad_key': 'creative_id',
                'ad_name': "'creative ' || creative_id || coalesce(' (' || lower(creative_type) || ')', '')",
                'ad_format': vendor_value_map('creative_type', format_map, default_format),
            },
            'ads_spend_daily': {
                'report': 'ad_analytics_by_creative', 'keys': ['creative_id'], 'ad_key': 'creative_id',
                'spend': 'cost_in_local_currency', 'divisor': none, 'impressions': 'impressions', 'clicks': 'clicks',
                'null_as_zero': true,
                'joins': [
                    ['creative_history', 'creative_id', 'campaign_id'],
                    ['campaign_history', 'campaign_id', 'account_id'],
                    ['account_history', 'account_id', 'currency'],
                ],
            },
        }) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error('ad_platform_fields: no field mapping for ad platform ' ~ platform) }}
    {%- endif -%}
{%- endmacro %}


{#- ad_platform_query(platform, report): the select of int_<platform>__<report>: the platform's staging models
    in the raw layout of the contract's `report` (ads_campaigns, ads_ads, ads_spend_daily), every column as text,
    ids prefixed '<platform>:' (ad_platform_fields). -#}
{% macro ad_platform_query(platform, report) -%}
    {%- set fields = ad_platform_fields(platform) -%}
    {%- if report == 'ads_campaigns' -%}
        {{ ad_campaigns_query(platform, fields.ads_campaigns) }}
    {%- elif report == 'ads_ads' -%}
        {{ ad_ads_query(platform, fields.ads_ads) }}
    {%- elif report == 'ads_spend_daily' -%}
        {{ ad_spend_query(platform, fields.ads_spend_daily) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error('ad_platform_query: unknown report ' ~ report) }}
    {%- endif -%}
{%- endmacro %}


{#- ad_platform_from(platform, from, join, join_type='inner'): a staging model of the platform, joined to another
    one (join: [table, using column, the columns it adds]) or alone (join none). -#}
{% macro ad_platform_from(platform, from, join, join_type='inner') -%}
    {{ ref('stg_' ~ platform ~ '__' ~ from) }} as {{ from }}
    {%- if join %}
    {{ join_type }} join (
        select {{ join[1] }}, {{ join[2] }} from {{ ref('stg_' ~ platform ~ '__' ~ join[0]) }}
    ) as {{ join[0] }} using ({{ join[1] }})
    {%- endif %}
{%- endmacro %}


{#- ad_campaigns_query(platform, fields): ads_campaigns. utm tags: those of the campaign's first tagged ad (one
    whose utm_source or utm_medium is set; first by fields.tagged_ads.order_by), else var <platform>_default_utm
    and the campaign name as a slug; channel: that utm pair in the utm map (exact pair, then '*' for the medium),
    else var <platform>_default_channel; objective through var <platform>_objective_map, else var
    ads_default_objective; the name, else the id. -#}
{% macro ad_campaigns_query(platform, fields) -%}
    {%- set default_utm = adapter_setting(platform ~ '_default_utm') -%}
    {%- set tagged_ads = fields.tagged_ads -%}
with

campaigns as (

    select * from {{ ref('stg_' ~ platform ~ '__campaign_history') }}

),

-- the utm tags of the campaign's first tagged ad
campaign_utm as (

    select
        campaign_id,
        utm_source,
        utm_medium,
        utm_campaign,
        row_number() over (partition by campaign_id order by {{ tagged_ads.order_by }}) as ad_rank
    from {{ ad_platform_from(platform, tagged_ads.from, tagged_ads.join) | indent(4) }}
    where utm_source is not null or utm_medium is not null

),

tagged as (

    select
        campaigns.campaign_id as campaign_key,
        campaigns.campaign_name,
        {{ fields.objective }} as objective,
        cast(cast({{ fields.start_date }} as date) as {{ dbt.type_string() }}) as start_date,
        cast(cast({{ fields.end_date }} as date) as {{ dbt.type_string() }}) as end_date,
        coalesce(campaign_utm.utm_source, {{ "'" ~ default_utm[0] ~ "'" if default_utm[0] else 'null' }}) as utm_source,
        coalesce(campaign_utm.utm_medium, {{ "'" ~ default_utm[1] ~ "'" if default_utm[1] else 'null' }}) as utm_medium,
        coalesce(campaign_utm.utm_campaign, {{ vendor_slug('campaigns.campaign_name') }}) as utm_campaign
    from campaigns
    left join campaign_utm
        on campaigns.campaign_id = campaign_utm.campaign_id and campaign_utm.ad_rank = 1

)

select
    '{{ platform }}:' || tagged.campaign_key as campaign_id,
    coalesce(
        exact_channel_map.channel_id,
        wildcard_channel_map.channel_id,
        '{{ adapter_setting(platform ~ "_default_channel") }}'
    ) as channel_id,
    coalesce(nullif(trim(tagged.campaign_name), ''), tagged.campaign_key) as campaign_name,
    tagged.utm_campaign,
    {{ vendor_value_map(
        'tagged.objective', adapter_setting(platform ~ '_objective_map'),
        "'" ~ adapter_setting('ads_default_objective') ~ "'"
    ) | indent(4) }} as objective,
    tagged.start_date,
    tagged.end_date
from tagged
{{ join_utm_channel_map('tagged') }}
{%- endmacro %}


{#- ad_ads_query(platform, fields): ads_ads: every ad (its latest version) under its campaign. -#}
{% macro ad_ads_query(platform, fields) -%}
select
    '{{ platform }}:' || {{ fields.ad_key }} as ad_id,
    '{{ platform }}:' || campaign_id as campaign_id,
    {{ fields.ad_name }} as ad_name,
    {{ fields.ad_format }} as ad_format
from {{ ad_platform_from(platform, fields.from, fields.join, 'left') }}
{%- endmacro %}


{#- ad_spend_query(platform, fields): ads_spend_daily: one row per ad and day, the report's segment rows summed
    and each checked before it is summed (ad_report_days); spend_id '<platform>:<ad key>:<day>'. With a
    campaign_report ({report, keys}), the campaign days without any ad-level row become campaign-level rows (ad_id
    empty, spend_id '<platform>:campaign~<campaign>:<day>'). Campaign and currency through fields.joins. -#}
{% macro ad_spend_query(platform, fields) -%}
    {%- set metrics = [
        [fields.spend, 'spend_amount', 'money', fields.divisor, false],
        [fields.impressions, 'impressions', 'count', none, fields.null_as_zero],
        [fields.clicks, 'clicks', 'count', none, fields.null_as_zero],
    ] -%}
    {%- set campaign_report = fields.campaign_report -%}
with

ad_days as (

    {{ ad_report_days(platform, fields.report, fields['keys'], metrics) | indent(4) }}

),
{%- if campaign_report %}

campaign_days as (

    {{ ad_report_days(platform, campaign_report.report, campaign_report['keys'], metrics) | indent(4) }}

),
{%- endif %}

spend_rows as (

    select
        '{{ platform }}:' || {{ fields.ad_key }} || ':' || spend_date as spend_id,
        {{ fields.ad_key }} as ad_key,
        {%- for key in fields['keys'] %}
        {{ key }},
        {%- endfor %}
        spend_date,
        {%- for metric in metrics %}
        {{ metric[1] }}{{ ',' if not loop.last }}
        {%- endfor %}
    from ad_days
    {%- if campaign_report %}

    union all

    -- campaign days without any ad-level row
    select
        '{{ platform }}:campaign~' || campaign_days.campaign_id || ':' || campaign_days.spend_date as spend_id,
        cast(null as {{ dbt.type_string() }}) as ad_key,
        {%- for key in fields['keys'] %}
        {{ 'campaign_days.' ~ key if key in campaign_report['keys']
            else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as {{ key }},
        {%- endfor %}
        campaign_days.spend_date,
        {%- for metric in metrics %}
        campaign_days.{{ metric[1] }}{{ ',' if not loop.last }}
        {%- endfor %}
    from campaign_days
    left join (select distinct campaign_id, spend_date from ad_days) as with_ads
        on campaign_days.campaign_id = with_ads.campaign_id and campaign_days.spend_date = with_ads.spend_date
    where with_ads.campaign_id is null
    {%- endif %}

)

select
    spend_id,
    '{{ platform }}:' || campaign_id as campaign_id,
    '{{ platform }}:' || ad_key as ad_id,
    spend_date,
    currency,
    spend_amount,
    impressions,
    clicks
from spend_rows
{%- for join in fields.joins %}
left join (
    select {{ join[1] }}, {{ join[2] }} from {{ ref('stg_' ~ platform ~ '__' ~ join[0]) }}
) as {{ join[0] }} using ({{ join[1] }})
{%- endfor %}
{%- endmacro %}


{#- ad_report_days(platform, report, keys, metrics): the rows of a stats staging model (stg_<platform>__<report>)
    summed per `keys` and day (spend_date, text), each metric checked segment by segment before it is summed
    (checked_segment_sum, macros/vendor_adapters/vendor_values.sql). metrics: [staging column (its text as synced
    in <column>_raw), output name, kind, divisor, null_as_zero]. -#}
{% macro ad_report_days(platform, report, keys, metrics) -%}
select
    {%- for key in keys %}
    {{ key }},
    {%- endfor %}
    cast(date_day as {{ dbt.type_string() }}) as spend_date,
    {%- for metric in metrics %}
    {{ checked_segment_sum(
        metric[0], metric[0] ~ '_raw', kind=metric[2], divisor=metric[3], null_as_zero=metric[4]
    ) | indent(4) }} as {{ metric[1] }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ ref('stg_' ~ platform ~ '__' ~ report) }}
group by {% for key in keys %}{{ key }}, {% endfor %}date_day
{%- endmacro %}
