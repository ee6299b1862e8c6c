{#-
    safe_divide(numerator, denominator): numerator / denominator as a decimal,
    NULL when the denominator is 0 or NULL (spec: zero denominators give NULL,
    never 0 and never a division error).
-#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif(cast({{ denominator }} as {{ dbt.type_numeric() }}), 0))
{%- endmacro %}
