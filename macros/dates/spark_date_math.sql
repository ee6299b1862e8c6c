{#-
    dbt's date arithmetic on Spark, for this project (the root project's spark__ macros come before
    dbt-spark's in dbt's dispatch). dbt-spark's own dateadd and datediff stop the query on a null date
    (assert_true), go through Unix seconds in the session time zone (a daylight saving change moves an hour)
    and return Spark's time-zone-bound timestamp. These keep the meaning the DuckDB and PostgreSQL versions
    have: null in, null out; a timestamp without time zone (timestamp_ntz) out of dateadd; datediff counts the
    boundaries crossed (months: month starts) for day, week, month, quarter and year, whole units below.
-#}

{#- spark__dateadd(datepart, interval, from_date_or_timestamp): timestampadd on a timestamp_ntz. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart | upper }}, cast({{ interval }} as bigint), cast({{ from_date_or_timestamp }} as timestamp_ntz))
{%- endmacro %}

{#- spark__datediff(first_date, second_date, datepart): second minus first, in datepart boundaries. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set first = 'cast(' ~ first_date ~ ' as date)' -%}
    {%- set second = 'cast(' ~ second_date ~ ' as date)' -%}
    {%- if datepart == 'day' -%}
        datediff({{ second }}, {{ first }})
    {%- elif datepart == 'week' -%}
        {#- Monday-based weeks, as DuckDB's date_diff('week') and PostgreSQL's date_trunc('week') -#}
        cast(datediff(date_trunc('week', {{ second }}), date_trunc('week', {{ first }})) / 7 as bigint)
    {%- elif datepart == 'month' -%}
        ((year({{ second }}) - year({{ first }})) * 12 + month({{ second }}) - month({{ first }}))
    {%- elif datepart == 'quarter' -%}
        ((year({{ second }}) - year({{ first }})) * 4 + quarter({{ second }}) - quarter({{ first }}))
    {%- elif datepart == 'year' -%}
        (year({{ second }}) - year({{ first }}))
    {%- elif datepart in ['hour', 'minute', 'second', 'millisecond', 'microsecond'] -%}
        timestampdiff({{ datepart | upper }}, cast({{ first_date }} as timestamp_ntz), cast({{ second_date }} as timestamp_ntz))
    {%- else -%}
        {{ exceptions.raise_compiler_error('datediff: datepart ' ~ datepart ~ ' is not supported on Spark') }}
    {%- endif -%}
{%- endmacro %}
