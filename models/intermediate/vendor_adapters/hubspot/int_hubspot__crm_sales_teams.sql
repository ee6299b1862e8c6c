-- HubSpot teams -> the raw layout of crm_sales_teams (text; typed and checked by base_crm__sales_teams). A team with
-- at least one member (owner_team) is a team; its manager: var hubspot_team_managers ({team id: owner id}), else
-- its primary member who became an owner first. HubSpot teams have no region: the team's name.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}

with

teams as (

    select
        id,
        name,
        _fivetran_deleted
    from {{ ref('stg_hubspot__team') }}

),

{{ hubspot_team_member_ctes() }}

{{ hubspot_team_manager_ctes() }}

mapped as (

    select
        -- ids
        {{ vendor_text('teams.id') }} as team_id,
        team_managers.manager_key as manager_rep_id,

        -- strings
        coalesce(nullif(trim({{ vendor_text('teams.name') }}), ''), {{ vendor_text('teams.id') }}) as team_name,
        coalesce(nullif(trim({{ vendor_text('teams.name') }}), ''), {{ vendor_text('teams.id') }}) as region

    from teams
    inner join team_managers
        on {{ vendor_text('teams.id') }} = team_managers.team_key
    where not {{ vendor_is_true('teams._fivetran_deleted') }}

)

select * from mapped
