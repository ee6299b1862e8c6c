with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

leads as (

    select
        lead_id,
        channel_id,
        campaign_id,
        segment
    from {{ ref('int_leads_sourced') }}

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.lead_id,
        opportunities.opportunity_name,
        -- a deal inherits its lead's source channel and campaign
        leads.channel_id,
        leads.campaign_id,
        leads.segment,
        opportunities.created_at,
        opportunities.created_date,
        {{ month_start('opportunities.created_date') }} as created_month,
        opportunities.stage_as_of,
        opportunities.status,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.closed_at,
        opportunities.close_date,
        {{ month_start('opportunities.close_date') }} as close_month,
        opportunities.was_reopened,
        opportunities.close_count,
        opportunities.amount,
        opportunities.currency,
        opportunities.amount_reporting_at_created,
        opportunities.amount_reporting_at_close,
        opportunities.owner_rep_id_at_close,
        opportunities.team_id_at_close,
        opportunities.current_owner_rep_id,
        opportunities.lost_reason,
        opportunities.days_to_close
    from opportunities
    left join leads
        on opportunities.lead_id = leads.lead_id

)

select * from final
