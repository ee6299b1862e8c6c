{#-
    Incremental (one row per lead from the lead's own columns): a run
    reprocesses the leads created in the last incremental_lookback_days days
    before the latest created_date held, up to the as-of date (delete+insert on
    lead_id). A changed campaign or utm mapping needs --full-refresh.
-#}
{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
) }}
{% call keyed_incremental_rows('lead_id') -%}

with

leads as (

    select * from {{ ref('stg_crm__leads') }}
    where created_date <= {{ as_of_date() }}
    {%- if is_incremental() %}
        and created_date >= {{ incremental_window_start('created_date') }}
    {%- endif %}

),

campaigns as (

    select
        campaign_id,
        utm_campaign
    from {{ ref('int_campaigns_checked') }}

),

final as (

    select
        leads.lead_id,
        leads.created_at,
        leads.created_date,
        leads.company_name,
        leads.country,
        leads.segment,
        leads.industry,
        leads.utm_source,
        leads.utm_medium,
        leads.utm_campaign,
        {{ utm_channel_id('leads') }} as channel_id,
        campaigns.campaign_id
    from leads
    {{ join_utm_channel_map('leads') }}
    left join campaigns
        on leads.utm_campaign = campaigns.utm_campaign

)

select * from final
{%- endcall %}
