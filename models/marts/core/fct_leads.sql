{#-
    One row per lead as of the as-of date: its source attributes
    (int_leads_sourced) and its lifecycle (int_lead_lifecycle, incremental per
    lead). A table: a one-to-one join of the two.
-#}
with

leads as (

    select * from {{ ref('int_leads_sourced') }}

),

lifecycle as (

    select * from {{ ref('int_lead_lifecycle') }}

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
