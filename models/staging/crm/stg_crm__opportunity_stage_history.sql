with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('crm_opportunity_stage_history') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('stage_event_id') }} as stage_event_id,
        {{ clean_string('opportunity_id') }} as opportunity_id,
        {{ clean_string('owner_rep_id') }} as owner_rep_id,

        -- strings
        {{ clean_enum('stage') }} as stage,

        -- timestamps
        typed__changed_at as changed_at,
        cast(typed__changed_at as date) as changed_date

    from source

)

select * from renamed
