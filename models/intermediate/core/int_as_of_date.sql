{#-
    One row, one column: the as-of date of the run (see macros/dates/as_of_date.sql).
    var as_of_date wins, and then the model reads nothing (no model upstream: the dates
    of the data are not needed); when it is null the as-of date is the latest event date
    across the activity tables' first layer (leads, touchpoints, spend, lead status and
    opportunity stage history, opportunities' creation and close dates: int_activity_dates).
-#}
{%- set as_of = checked_date_var('as_of_date') %}
with

final as (

    -- always exactly one row
    {%- if as_of is not none %}
        select cast('{{ as_of }}' as date) as as_of_date
    {%- else %}
        select latest_activity_date as as_of_date
        from {{ ref('int_activity_dates') }}
    {%- endif %}

)

select * from final
