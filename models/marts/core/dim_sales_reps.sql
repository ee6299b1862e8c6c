with

sales_reps as (

    select * from {{ ref('stg_crm__sales_reps') }}

),

rep_team_history as (

    select * from {{ ref('int_rep_team_history') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

-- the team a rep is in on the as-of date (valid_from inclusive, valid_to exclusive)
current_teams as (

    select
        rep_team_history.rep_id,
        rep_team_history.team_id,
        rep_team_history.team_name
    from rep_team_history
    cross join as_of
    where
        rep_team_history.valid_from <= as_of.as_of_date
        and (rep_team_history.valid_to > as_of.as_of_date or rep_team_history.valid_to is null)

),

final as (

    select
        sales_reps.rep_id,
        sales_reps.rep_name,
        sales_reps.role,
        sales_reps.hired_date,
        sales_reps.terminated_date,
        current_teams.team_id as current_team_id,
        current_teams.team_name as current_team_name,
        -- a rep without a hired date (optional in the contract) is active until terminated
        coalesce(sales_reps.hired_date <= as_of.as_of_date, true)
        and (sales_reps.terminated_date >= as_of.as_of_date or sales_reps.terminated_date is null) as is_active
    from sales_reps
    cross join as_of
    left join current_teams
        on sales_reps.rep_id = current_teams.rep_id

)

select * from final
