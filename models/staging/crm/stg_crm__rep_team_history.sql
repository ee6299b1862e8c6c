with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_crm_rep_team_history') }}
    where dq_rule is null

),

renamed as (

    select
        -- ids
        {{ clean_string('rep_id') }} as rep_id,
        {{ clean_string('team_id') }} as team_id,

        -- dates
        typed__valid_from as valid_from,
        typed__valid_to as valid_to

    from source

)

select * from renamed
