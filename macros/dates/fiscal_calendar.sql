{#-
    The fiscal calendar of a date (var fiscal_year_start_month, 1-12, default 1 = the calendar year): one
    definition for the date dimension (dim_date) and the activity months of the KPI marts
    (int_activity_months), so the two cannot drift apart. A fiscal year is named by the calendar year in
    which it ends (start month 7: July 2024 - June 2025 is FY2025).
-#}

{#- fiscal_year_start_month(): the var, checked (a compile error names it when it is not 1..12). -#}
{% macro fiscal_year_start_month() -%}
    {%- set fiscal_start = var('fiscal_year_start_month', 1) | int -%}
    {%- if fiscal_start < 1 or fiscal_start > 12 -%}
        {{ exceptions.raise_compiler_error('var fiscal_year_start_month must be 1..12, got ' ~ fiscal_start) }}
    {%- endif -%}
    {{ return(fiscal_start) }}
{%- endmacro %}

{#- fiscal_month_of_year(date_expression): 1..12, month 1 being the fiscal year's first month (integer). -#}
{% macro fiscal_month_of_year(date_expression) -%}
    mod(cast(extract(month from {{ date_expression }}) as integer) - {{ fiscal_year_start_month() }} + 12, 12) + 1
{%- endmacro %}

{#- fiscal_year(date_expression): the fiscal year of the date, named by the calendar year in which it ends
    (integer). -#}
{% macro fiscal_year(date_expression) -%}
    {%- set fiscal_start = fiscal_year_start_month() -%}
    {%- if fiscal_start == 1 -%}
        cast(extract(year from {{ date_expression }}) as integer)
    {%- else -%}
        case
            when cast(extract(month from {{ date_expression }}) as integer) >= {{ fiscal_start }}
                then cast(extract(year from {{ date_expression }}) as integer) + 1
            else cast(extract(year from {{ date_expression }}) as integer)
        end
    {%- endif -%}
{%- endmacro %}

{#- fiscal_quarter(date_expression): 1..4, from the fiscal month of the year (integer). -#}
{% macro fiscal_quarter(date_expression) -%}
    case
        when {{ fiscal_month_of_year(date_expression) }} <= 3 then 1
        when {{ fiscal_month_of_year(date_expression) }} <= 6 then 2
        when {{ fiscal_month_of_year(date_expression) }} <= 9 then 3
        else 4
    end
{%- endmacro %}


{#- iso_day_of_week(date_expression): 1 (Monday) to 7 (Sunday): extract(isodow ...), on Spark
    extract(dayofweek_iso ...). -#}
{% macro iso_day_of_week(date_expression) -%}
    {%- if target.type == 'spark' -%}
        extract(dayofweek_iso from {{ date_expression }})
    {%- else -%}
        extract(isodow from {{ date_expression }})
    {%- endif -%}
{%- endmacro %}
