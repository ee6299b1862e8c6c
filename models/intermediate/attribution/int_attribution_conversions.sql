{#-
    One row per conversion that attribution credits: lead created, opportunity
    created (pipeline) and deal won (revenue). Built on the leads as of the
    as-of date (int_leads_sourced) and the opportunities at their final close
    (int_opportunities_enriched, which counts a re-opened deal once): the same
    rows as the core facts fct_leads and fct_opportunities are made of.
-#}
{{ config(enabled=kpi_areas_enabled('attribution')) }}
with

leads as (

    select
        lead_id,
        created_at
    from {{ ref('int_leads_sourced') }}

),

opportunities as (

    select
        opportunity_id,
        lead_id,
        created_at,
        is_won,
        closed_at,
        amount_reporting_at_created,
        amount_reporting_at_close
    from {{ ref('int_opportunities_enriched') }}

),

lead_created as (

    select
        'lead_created' as conversion_type,
        leads.lead_id as conversion_id,
        leads.lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        leads.created_at as conversion_at,
        cast(0 as numeric(20, 6)) as conversion_value,
        leads.created_at as lead_created_at,
        -- no opportunity exists yet when the lead is created
        cast(null as {{ dbt.type_timestamp() }}) as opportunity_created_at
    from leads

),

opportunity_created as (

    select
        'opportunity_created' as conversion_type,
        opportunities.opportunity_id as conversion_id,
        opportunities.lead_id,
        opportunities.opportunity_id,
        opportunities.created_at as conversion_at,
        -- an amount that is not known credits no value (the conversion still counts)
        cast(coalesce(opportunities.amount_reporting_at_created, 0) as numeric(20, 6)) as conversion_value,
        leads.created_at as lead_created_at,
        opportunities.created_at as opportunity_created_at
    from opportunities
    left join leads
        on opportunities.lead_id = leads.lead_id

),

-- won as of the as-of date, at the final close (a re-opened deal is one row in fct_opportunities)
deal_won as (

    select
        'deal_won' as conversion_type,
        opportunities.opportunity_id as conversion_id,
        opportunities.lead_id,
        opportunities.opportunity_id,
        opportunities.closed_at as conversion_at,
        cast(coalesce(opportunities.amount_reporting_at_close, 0) as numeric(20, 6)) as conversion_value,
        leads.created_at as lead_created_at,
        opportunities.created_at as opportunity_created_at
    from opportunities
    left join leads
        on opportunities.lead_id = leads.lead_id
    where opportunities.is_won

),

unioned as (

    select * from lead_created
    union all
    select * from opportunity_created
    union all
    select * from deal_won

),

final as (

    select
        -- ids
        {{ dbt.concat(['unioned.conversion_type', "':'", 'unioned.conversion_id']) }} as conversion_key,
        unioned.conversion_type,
        unioned.conversion_id,
        unioned.lead_id,
        unioned.opportunity_id,
        -- timestamps
        unioned.conversion_at,
        {{ month_start('unioned.conversion_at') }} as conversion_month,
        unioned.lead_created_at,
        unioned.opportunity_created_at,
        -- numerics
        unioned.conversion_value
    from unioned

)

select * from final
