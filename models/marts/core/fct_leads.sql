{#-
    Incremental per lead, like int_lead_lifecycle: a run replaces the leads
    with any activity (created, status change, opportunity created or stage
    change) in the last incremental_lookback_days days before the latest
    created_date held (delete+insert on lead_id).
-#}
{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy='delete+insert',
) }}
-- depends_on: {{ ref('int_as_of_date') }}
-- depends_on: {{ ref('stg_crm__leads') }}
-- depends_on: {{ ref('stg_crm__lead_status_history') }}
-- depends_on: {{ ref('stg_crm__opportunities') }}
-- depends_on: {{ ref('stg_crm__opportunity_stage_history') }}

with

{% if is_incremental() -%}
affected_leads as (

    {{ leads_with_activity_since(incremental_window_start('created_date')) }}

),

{% endif -%}
leads as (

    select * from {{ ref('int_leads_sourced') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

lifecycle as (

    select * from {{ ref('int_lead_lifecycle') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

final as (

    select
        leads.lead_id,
        leads.created_at,
        leads.created_date,
        {{ month_start('leads.created_date') }} as created_month,
        leads.company_name,
        leads.country,
        leads.segment,
        leads.industry,
        leads.channel_id,
        leads.campaign_id,
        leads.utm_source,
        leads.utm_medium,
        leads.utm_campaign,
        lifecycle.mql_at,
        lifecycle.is_mql_inferred,
        lifecycle.sql_at,
        lifecycle.is_sql_inferred,
        lifecycle.opportunity_at,
        lifecycle.disqualified_at,
        lifecycle.disqualification_reason,
        lifecycle.current_status,
        lifecycle.first_opportunity_id,
        lifecycle.is_mql,
        lifecycle.is_sql,
        lifecycle.is_opportunity,
        lifecycle.is_won,
        lifecycle.won_at
    from leads
    inner join lifecycle
        on leads.lead_id = lifecycle.lead_id

)

select * from final
