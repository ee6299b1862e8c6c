with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('crm_lead_status_history') | indent(4) }}

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
