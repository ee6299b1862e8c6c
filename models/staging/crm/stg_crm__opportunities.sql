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
        cast(typed__close_date as date) as close_date,

        -- timestamps
        -- the close with its time when the export has one (a date alone: its midnight)
        typed__close_date as close_at,
        -- an export without a created time: the close time stands in (int_opportunities_enriched
        -- takes the first stage change instead when there is one)
        typed__created_at as created_at,
        cast(typed__created_at as date) as created_date,

        -- booleans
        {{ clean_string('created_at') }} is null as is_created_at_missing

    from source

)

select * from renamed
