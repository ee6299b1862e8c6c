with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_crm_sales_teams') }}
    where dq_rule is null

),

renamed as (

    select
        -- ids
        {{ clean_string('team_id') }} as team_id,
        {{ clean_string('manager_rep_id') }} as manager_rep_id,

        -- strings
        {{ clean_string('team_name') }} as team_name,
        {{ clean_string('region') }} as region

    from source

)

select * from renamed
