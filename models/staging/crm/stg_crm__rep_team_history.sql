with

source as (

    select * from {{ ref('crm_rep_team_history') }}

),

renamed as (

    select
        -- ids
        {{ clean_string('rep_id') }} as rep_id,
        {{ clean_string('team_id') }} as team_id,

        -- dates
        {{ to_date('valid_from') }} as valid_from,
        {{ to_date('valid_to') }} as valid_to

    from source

)

select * from renamed
