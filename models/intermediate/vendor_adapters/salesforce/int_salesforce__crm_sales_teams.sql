-- Salesforce UserRole -> the raw layout of crm_sales_teams (text; typed and checked by base_crm__sales_teams). A
-- role with at least one user is a team (a role without users has no reps to report on). Region: the parent
-- role's name (e.g. 'Sales EMEA' above 'AE EMEA'), else the role's own. Manager: the role's forecast manager
-- (ForecastUserId), else the user most of its members report to (ManagerId; ties: the lowest id), else its
-- member with the lowest id.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}

with

roles as (

    select
        id,
        name,
        parent_role_id,
        forecast_user_id,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__user_role') }}

),

users as (

    select
        id,
        user_role_id,
        manager_id,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__user') }}

),

current_roles as (

    select
        {{ vendor_text('id') }} as role_id,
        {{ vendor_text('name') }} as role_name,
        {{ vendor_text('parent_role_id') }} as parent_role_id,
        nullif(trim({{ vendor_text('forecast_user_id') }}), '') as forecast_user_id
    from roles
    where
        not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

members as (

    select
        {{ vendor_text('id') }} as user_id,
        {{ vendor_text('user_role_id') }} as role_id,
        nullif(trim({{ vendor_text('manager_id') }}), '') as manager_id
    from users
    where
        {{ vendor_text('user_role_id') }} is not null
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

member_managers as (

    select
        role_id,
        manager_id,
        row_number() over (partition by role_id order by count(*) desc, manager_id) as manager_rank
    from members
    where manager_id is not null
    group by role_id, manager_id

),

role_members as (

    select
        role_id,
        min(user_id) as first_member_id
    from members
    group by role_id

),

mapped as (

    select
        -- ids
        current_roles.role_id as team_id,
        coalesce(
            current_roles.forecast_user_id, member_managers.manager_id, role_members.first_member_id
        ) as manager_rep_id,

        -- strings
        coalesce(nullif(trim(current_roles.role_name), ''), current_roles.role_id) as team_name,
        coalesce(
            nullif(trim(parent_roles.role_name), ''), nullif(trim(current_roles.role_name), ''), current_roles.role_id
        ) as region

    from current_roles
    inner join role_members
        on current_roles.role_id = role_members.role_id
    left join member_managers
        on current_roles.role_id = member_managers.role_id and member_managers.manager_rank = 1
    left join current_roles as parent_roles
        on current_roles.parent_role_id = parent_roles.role_id

)

select * from mapped
