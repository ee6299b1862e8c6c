{#-
    Fixed output types for the KPI marts, so a value has the same type and
    scale on every adapter (PostgreSQL's plain numeric keeps whatever scale
    the arithmetic produced: 150.0000 from a sum, 0.25000000000000000000 from
    a division; DuckDB returns a double from a decimal division). Fixed
    scales also make unit-test expectations ("0.25", "150.00") compare equal
    on both adapters.

    kpi_money(expression): money in the reporting currency, numeric(20, 6),
    the scale of the facts' *_reporting amounts.

    kpi_decimal(expression): any KPI value, ratio or part, numeric(28, 10).

    kpi_ratio(numerator, denominator): safe_divide() as numeric(28, 10):
    NULL when the denominator is 0 or NULL.
-#}
{% macro kpi_money(expression) -%}
    cast({{ expression }} as numeric(20, 6))
{%- endmacro %}


{% macro kpi_decimal(expression) -%}
    cast({{ expression }} as numeric(28, 10))
{%- endmacro %}


{% macro kpi_ratio(numerator, denominator) -%}
    {{ kpi_decimal(safe_divide(numerator, denominator)) }}
{%- endmacro %}


{#- type_double(): the 8-byte floating point type: double precision (DuckDB, PostgreSQL), double (Spark, whose
    parser has no `double precision`). -#}
{% macro type_double() -%}
    {{ return('double' if target.type == 'spark' else 'double precision') }}
{%- endmacro %}
