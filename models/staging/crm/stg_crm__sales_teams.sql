with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('crm_sales_teams') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('team_id') }} as team_id,
        {{ clean_string('manager_rep_id') }} as manager_rep_id,

        -- strings
        {{ clean_string('team_name') }} as team_name,
        {{ clean_string('region') }} as region

    from source

)

select * from renamed
