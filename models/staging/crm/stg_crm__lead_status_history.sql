with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_crm_lead_status_history') }}
    where dq_rule is null

),

renamed as (

    select
        -- ids
        {{ clean_string('status_event_id') }} as status_event_id,
        {{ clean_string('lead_id') }} as lead_id,

        -- strings
        {{ clean_enum('status') }} as status,
        {{ clean_string('disqualification_reason') }} as disqualification_reason,

        -- timestamps
        typed__changed_at as changed_at,
        cast(typed__changed_at as date) as changed_date

    from source

)

select * from renamed
