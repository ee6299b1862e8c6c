-- HubSpot owners -> the raw layout of crm_sales_reps (text; typed and checked by base_crm__sales_reps). Every owner
-- is a rep (a deal's owner must be one). Role: manager when the owner manages a team (hubspot_team_manager_ctes:
-- var hubspot_team_managers, else the team's first primary member), else ae (HubSpot has no SDR role). Hired: the
-- owner's creation; terminated: an inactive owner's last update (HubSpot keeps no deactivation date; an
-- approximation).
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}

with

owners as (

    select
        owner_id,
        first_name,
        last_name,
        email,
        created_at,
        updated_at,
        is_active,
        _fivetran_deleted
    from {{ ref('stg_hubspot__owner') }}

),

{{ hubspot_team_member_ctes() }}

{{ hubspot_team_manager_ctes() }}

managers as (

    select distinct manager_key from team_managers

),

mapped as (

    select
        -- ids
        {{ vendor_text('owners.owner_id') }} as rep_id,

        -- strings
        coalesce(
            nullif(trim(
                coalesce({{ vendor_text('owners.first_name') }}, '') || ' '
                || coalesce({{ vendor_text('owners.last_name') }}, '')
            ), ''),
            nullif(trim({{ vendor_text('owners.email') }}), ''),
            {{ vendor_text('owners.owner_id') }}
        ) as rep_name,
        case when managers.manager_key is not null then 'manager' else 'ae' end as role,

        -- dates
        {{ vendor_date_text('owners.created_at') }} as hired_date,
        case
            when not coalesce({{ vendor_bool('owners.is_active') }}, true)
                then {{ vendor_date_text('owners.updated_at') }}
        end as terminated_date

    from owners
    left join managers
        on {{ vendor_text('owners.owner_id') }} = managers.manager_key
    where not {{ vendor_is_true('owners._fivetran_deleted') }}

)

select * from mapped
