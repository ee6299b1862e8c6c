with

source as (

    select * from {{ ref('crm_sales_teams') }}

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
