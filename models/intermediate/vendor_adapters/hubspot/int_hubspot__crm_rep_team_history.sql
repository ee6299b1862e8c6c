-- HubSpot owner teams -> the raw layout of crm_rep_team_history (text; typed and checked by
-- base_crm__rep_team_history): an owner is in their primary team (is_team_primary; an owner with no primary team:
-- the first of their teams by id) from the day they became an owner, with no end (HubSpot keeps no history of team
-- changes).
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}

with

{{ hubspot_team_member_ctes() }}

primary_teams as (

    select
        owner_key,
        team_key,
        owner_created_at,
        row_number() over (
            partition by owner_key
            order by case when is_primary then 0 else 1 end, team_key
        ) as team_rank
    from team_members

),

mapped as (

    select
        -- ids
        owner_key as rep_id,
        team_key as team_id,

        -- dates
        cast(cast(owner_created_at as date) as {{ dbt.type_string() }}) as valid_from,
        cast(null as {{ dbt.type_string() }}) as valid_to

    from primary_teams
    where team_rank = 1

)

select * from mapped
