{#-
    One row, one column: the as-of date of the run (see macros/dates/as_of_date.sql).
    var as_of_date wins; when it is null the as-of date is the latest event date
    across the activity tables (leads, touchpoints, spend, lead status and
    opportunity stage history, opportunities' creation and close dates:
    int_activity_dates).
-#}
with

activity_dates as (

    select latest_activity_date from {{ ref('int_activity_dates') }}

),

final as (

    -- always exactly one row
    {%- set as_of = checked_date_var('as_of_date') %}
    {%- if as_of is not none %}
        select cast('{{ as_of }}' as date) as as_of_date
    {%- else %}
        select latest_activity_date as as_of_date
        from activity_dates
    {%- endif %}

)

select * from final
