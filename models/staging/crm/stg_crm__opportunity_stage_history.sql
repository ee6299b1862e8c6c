with

source as (

    select * from {{ ref('crm_opportunity_stage_history') }}

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
        {{ to_utc_timestamp('changed_at') }} as changed_at,
        cast({{ to_utc_timestamp('changed_at') }} as date) as changed_date

    from source

)

select * from renamed
