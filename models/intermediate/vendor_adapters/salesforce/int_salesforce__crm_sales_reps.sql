-- Salesforce User -> the raw layout of crm_sales_reps (text; typed and checked by base_crm__sales_reps). Every
-- user the loader has not marked deleted is a rep (an opportunity's owner must be one). Role: manager when
-- another user reports to them (ManagerId) or a role forecasts through them (ForecastUserId); sdr when the title
-- contains a keyword of var salesforce_sdr_title_keywords; else ae. Hired: the user's creation date. Terminated:
-- an inactive user's last modification date (Salesforce keeps no deactivation date; an approximation).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set sdr_keywords = adapter_setting('salesforce_sdr_title_keywords') %}

with

users as (

    select
        id,
        name,
        first_name,
        last_name,
        title,
        is_active,
        manager_id,
        user_role_id,
        created_date,
        last_modified_date,
        _fivetran_deleted,
        _fivetran_active
    from {{ ref('stg_salesforce__user') }}

),

roles as (

    select
        id,
        forecast_user_id,
        _fivetran_deleted
    from {{ ref('stg_salesforce__user_role') }}

),

current_users as (

    select * from users
    where
        not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

managers as (

    select distinct {{ vendor_text('manager_id') }} as user_id
    from current_users
    where {{ vendor_text('manager_id') }} is not null

    union

    select distinct {{ vendor_text('forecast_user_id') }} as user_id
    from roles
    where {{ vendor_text('forecast_user_id') }} is not null and not {{ vendor_is_true('_fivetran_deleted') }}

),

mapped as (

    select
        -- ids
        {{ vendor_text('current_users.id') }} as rep_id,

        -- strings
        coalesce(
            nullif(trim({{ vendor_text('current_users.name') }}), ''),
            nullif(trim(
                coalesce({{ vendor_text('current_users.first_name') }}, '') || ' '
                || coalesce({{ vendor_text('current_users.last_name') }}, '')
            ), ''),
            {{ vendor_text('current_users.id') }}
        ) as rep_name,
        case
            when managers.user_id is not null then 'manager'
            {%- for keyword in sdr_keywords %}
                when lower({{ vendor_text('current_users.title') }}) like '%{{ keyword | lower }}%' then 'sdr'
            {%- endfor %}
            else 'ae'
        end as role,

        -- dates
        {{ vendor_date_text('current_users.created_date') }} as hired_date,
        case
            when not coalesce({{ vendor_bool('current_users.is_active') }}, true)
                then {{ vendor_date_text('current_users.last_modified_date') }}
        end as terminated_date

    from current_users
    left join managers
        on {{ vendor_text('current_users.id') }} = managers.user_id

)

select * from mapped
