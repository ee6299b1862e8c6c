with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('crm_opportunities') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('opportunity_id') }} as opportunity_id,
        {{ clean_string('lead_id') }} as lead_id,
        {{ clean_string('owner_rep_id') }} as owner_rep_id,

        -- strings
        {{ clean_string('opportunity_name') }} as opportunity_name,
        {{ clean_enum('stage') }} as stage,
        {{ clean_currency('currency') }} as currency,
        {{ clean_string('lost_reason') }} as lost_reason,

        -- numerics
        typed__amount as amount,

        -- dates
        typed__close_date as close_date,

        -- timestamps
        typed__created_at as created_at,
        cast(typed__created_at as date) as created_date

    from source

)

select * from renamed
