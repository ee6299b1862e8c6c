with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_crm_opportunity_stage_history') }}
    where dq_rule is null

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
