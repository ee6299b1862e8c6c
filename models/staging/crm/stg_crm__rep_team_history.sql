with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('crm_rep_team_history') | indent(4) }}

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
