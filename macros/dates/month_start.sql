{#-
    month_start(date_expression): the first day of the month, as a date, on
    every adapter (PostgreSQL's date_trunc returns a timestamp, and on a date
    argument a time-zone-dependent one; truncating a timestamp avoids both).
-#}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', 'cast(' ~ date_expression ~ ' as timestamp)') }} as date)
{%- endmacro %}
