{#-
    percentile_cont(expression, fraction=0.5): the continuous percentile of
    `expression` over the group (an aggregate; NULLs are ignored), as a float.
    fraction 0.5 is the median, interpolated between the two middle values
    for an even count. Dispatched because the syntax differs:
      - DuckDB: quantile_cont(expression, fraction)
      - PostgreSQL (and the default): the ordered-set aggregate
        percentile_cont(fraction) within group (order by expression)
        select channel_id, {{ percentile_cont('days_to_mql') }} as median_days_to_mql
        from leads group by channel_id
-#}
{% macro percentile_cont(expression, fraction=0.5) -%}
    {{ return(adapter.dispatch('percentile_cont')(expression, fraction)) }}
{%- endmacro %}


{% macro default__percentile_cont(expression, fraction) -%}
    cast(percentile_cont({{ fraction }}) within group (order by {{ expression }}) as {{ dbt.type_float() }})
{%- endmacro %}


{% macro duckdb__percentile_cont(expression, fraction) -%}
    cast(quantile_cont({{ expression }}, {{ fraction }}) as {{ dbt.type_float() }})
{%- endmacro %}
