-- Salesforce User.UserRoleId -> the raw layout of crm_rep_team_history (text; typed and checked by
-- base_crm__rep_team_history): a user with a role is in that team from the day the user was created, with no end
-- (Salesforce keeps no history of role changes; a user who moved is in the current role for all of their deals).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}

with

users as (

    select
        id,
        user_role_id,
        created_date,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__user') }}

),

mapped as (

    select
        -- ids
        {{ vendor_text('id') }} as rep_id,
        {{ vendor_text('user_role_id') }} as team_id,

        -- dates
        {{ vendor_date_text('created_date') }} as valid_from,
        cast(null as {{ dbt.type_string() }}) as valid_to

    from users
    where
        nullif(trim({{ vendor_text('user_role_id') }}), '') is not null
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

)

select * from mapped
