{#-
    Null-safe casts from raw text to typed values, used by the staging models.

    Contract: an empty, blank or unparseable value becomes NULL, never a query
    error, so one bad row cannot fail the whole run. The not_null tests on
    required columns (and, later, the quarantine) then report it.
      - DuckDB: try_cast (dbt-duckdb's dbt.safe_cast is a plain cast, so the
        duckdb__ versions call try_cast themselves), plus a pattern guard where
        try_cast is too lenient (it rounds '1.5' to an integer).
      - default__ (other adapters): dbt.safe_cast, i.e. whatever the adapter
        offers; not tested.
      - PostgreSQL: has no try_cast; a regular-expression guard lets only
        well-formed values reach the cast. The date and time guards check the
        calendar too (month 01-12, the days of each month, 29 February in leap
        years, hours 00-23), so '2025-02-30' gives null instead of raising.
-#}

{#- postgres_date_pattern(): a calendar-valid YYYY-MM-DD date (years 1000-9999),
    unanchored; postgres_time_pattern(): HH:MM[:SS[.fff]], unanchored. -#}
{% macro postgres_date_pattern() -%}
    ([1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|[1-9][0-9]{3}-(0[13-9]|1[0-2])-(29|30)|[1-9][0-9]{3}-(0[13578]|1[02])-31|([1-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26])00)-02-29)
{%- endmacro %}

{% macro postgres_time_pattern() -%}
    ([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?
{%- endmacro %}

{#- to_date(column): 'YYYY-MM-DD' text -> date. A timestamp is not a date:
    '2025-03-01T10:00:00' gives null on both adapters. -#}
{% macro to_date(column) -%}
    {{ return(adapter.dispatch('to_date')(column)) }}
{%- endmacro %}

{% macro default__to_date(column) -%}
    {{ dbt.safe_cast(clean_string(column), api.Column.translate_type('date')) }}
{%- endmacro %}

{% macro duckdb__to_date(column) -%}
    case
        when regexp_full_match({{ clean_string(column) }}, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then try_cast({{ clean_string(column) }} as date)
    end
{%- endmacro %}

{% macro postgres__to_date(column) -%}
    case
        when {{ clean_string(column) }} ~ '^{{ postgres_date_pattern() }}$'
            then cast({{ clean_string(column) }} as date)
    end
{%- endmacro %}


{#- to_decimal(column, precision, scale): decimal text ('-12.5', '3') ->
    numeric(precision, scale). Money uses (18, 4), FX rates (26, 12) (the contract column's scale). -#}
{% macro to_decimal(column, precision=18, scale=4) -%}
    {{ return(adapter.dispatch('to_decimal')(column, precision, scale)) }}
{%- endmacro %}

{% macro default__to_decimal(column, precision, scale) -%}
    {{ dbt.safe_cast(clean_string(column), 'numeric(' ~ precision ~ ', ' ~ scale ~ ')') }}
{%- endmacro %}

{% macro duckdb__to_decimal(column, precision, scale) -%}
    try_cast({{ clean_string(column) }} as numeric({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro postgres__to_decimal(column, precision, scale) -%}
    {#- at most precision - scale integer digits, else numeric(p, s) overflows -#}
    {%- set max_int_digits = [precision - scale, 1] | max -%}
    case
        when {{ clean_string(column) }} ~ '^[+-]?([0-9]{1,{{ max_int_digits }}}([.][0-9]*)?|[.][0-9]+)$'
            then cast({{ clean_string(column) }} as numeric({{ precision }}, {{ scale }}))
    end
{%- endmacro %}


{#- to_integer(column): whole-number text -> bigint. '1.5' is not an integer
    and gives null on both adapters. -#}
{% macro to_integer(column) -%}
    {{ return(adapter.dispatch('to_integer')(column)) }}
{%- endmacro %}

{% macro default__to_integer(column) -%}
    {{ dbt.safe_cast(clean_string(column), dbt.type_bigint()) }}
{%- endmacro %}

{% macro duckdb__to_integer(column) -%}
    case
        when regexp_full_match({{ clean_string(column) }}, '[+-]?[0-9]+')
            then try_cast({{ clean_string(column) }} as {{ dbt.type_bigint() }})
    end
{%- endmacro %}

{% macro postgres__to_integer(column) -%}
    case
        when {{ clean_string(column) }} ~ '^[+-]?[0-9]{1,18}$'
            then cast({{ clean_string(column) }} as {{ dbt.type_bigint() }})
    end
{%- endmacro %}


{#- to_boolean(column): 'true'/'false' (any case; also t/f, yes/no, y/n, 1/0)
    -> boolean. Portable SQL, no dispatch needed. -#}
{% macro to_boolean(column) -%}
    case
        when {{ clean_enum(column) }} in ('true', 't', 'yes', 'y', '1') then true
        when {{ clean_enum(column) }} in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}


{#- to_utc_timestamp(column): ISO 8601 text -> timestamp without time zone, in
    UTC. '2025-03-01T10:00:00+02:00' -> 2025-03-01 08:00:00; a trailing 'Z' or
    no offset at all means the value is already UTC. The result never depends on
    the session time zone: values without an offset are cast straight to a
    timestamp (casting them to timestamptz would read them in the session
    zone), values with an offset go through timestamptz and back to UTC. -#}
{% macro to_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('to_utc_timestamp')(column)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(column) -%}
    {{ exceptions.raise_compiler_error('to_utc_timestamp is implemented for duckdb and postgres only, not ' ~ target.type) }}
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(column) -%}
    case
        when regexp_full_match(
                {{ clean_string(column) }},
                '[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)'
            )
            then cast(timezone('UTC', try_cast({{ clean_string(column) }} as timestamptz)) as timestamp)
        else try_cast({{ clean_string(column) }} as timestamp)
    end
{%- endmacro %}

{% macro postgres__to_utc_timestamp(column) -%}
    case
        when {{ clean_string(column) }}
            ~ '^{{ postgres_date_pattern() }}([Tt ]{{ postgres_time_pattern() }})?$'
            then cast({{ clean_string(column) }} as timestamp)
        when {{ clean_string(column) }}
            ~ '^{{ postgres_date_pattern() }}[Tt ]{{ postgres_time_pattern() }} ?([Zz]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)$'
            then (cast({{ clean_string(column) }} as timestamptz) at time zone 'UTC')
    end
{%- endmacro %}
