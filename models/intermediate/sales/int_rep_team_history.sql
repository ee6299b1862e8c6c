with

rep_team_history as (

    select * from {{ ref('stg_crm__rep_team_history') }}

),

sales_teams as (

    select * from {{ ref('stg_crm__sales_teams') }}

),

final as (

    select
        rep_team_history.rep_id,
        rep_team_history.team_id,
        sales_teams.team_name,
        sales_teams.region,
        sales_teams.manager_rep_id,
        rep_team_history.valid_from,
        rep_team_history.valid_to,
        rep_team_history.valid_to is null as is_current
    from rep_team_history
    left join sales_teams
        on rep_team_history.team_id = sales_teams.team_id

)

select * from final
