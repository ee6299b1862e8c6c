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

{% macro spark__to_date(column) -%}
    case
        when {{ clean_string(column) }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then try_cast({{ clean_string(column) }} as date)
    end
{%- endmacro %}


{#- to_decimal(column, precision, scale): decimal text ('-12.5', '3') ->
    numeric(precision, scale). Money uses (20, 6), FX rates (26, 12) (the contract column's scale). -#}
{% macro to_decimal(column, precision=20, scale=6) -%}
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

{% macro spark__to_decimal(column, precision, scale) -%}
    {#- the PostgreSQL guard: Spark's cast also reads '1e3', ' 12 ' and 'Infinity' -#}
    {%- set max_int_digits = [precision - scale, 1] | max -%}
    case
        when {{ clean_string(column) }} rlike '^[+-]?([0-9]{1,{{ max_int_digits }}}([.][0-9]*)?|[.][0-9]+)$'
            then try_cast({{ clean_string(column) }} as decimal({{ precision }}, {{ scale }}))
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

{% macro spark__to_integer(column) -%}
    case
        when {{ clean_string(column) }} rlike '^[+-]?[0-9]{1,18}$'
            then try_cast({{ clean_string(column) }} as {{ dbt.type_bigint() }})
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


{#- to_utc_timestamp(column): ISO 8601 text -> timestamp without time zone, in UTC.
      - '2025-03-01T10:00:00+02:00' -> 2025-03-01 08:00:00 (a UTC offset, or Z);
      - '2025-04-08 10:28:29 America/New_York' -> 14:28:29 (an IANA time zone name, with its daylight
        saving time on that day; the engine's time zone database: DuckDB's ICU, PostgreSQL's own);
      - '2025-04-08 10:28:29 PST' -> 18:28:29 (one of the fixed abbreviations of
        timezone_abbreviation_offsets(), each a fixed UTC offset, the same on both engines);
      - no offset and no zone: the value is already UTC (a date alone is its midnight);
      - anything else, e.g. an unknown zone name or abbreviation, 'infinity', 'epoch', 'now': null
        (unparseable_value in the quarantine: a zone is never dropped silently).
    The result never depends on the session time zone. -#}
{% macro to_utc_timestamp(column) -%}
    {%- if var('lint_all_adapters', false) in [true, 'true', 'True'] -%}
        {{ return(lint_stand_in_timestamp(column)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('to_utc_timestamp')(column)) }}
{%- endmacro %}

{#- lint_stand_in_timestamp(column): what to_utc_timestamp gives the linter (var lint_all_adapters, set by
    .sqlfluff only): the same column through clean_string, cast. sqlfluff reports nothing in text a macro
    generates (ignore_templated_areas), but parses and walks all of it with every rule: the full parser,
    about 3.5 KB of SQL per call, made the adapters' models most of the lint time. A dbt command that is not
    the linter's compile stops here, so no build ever parses timestamps this way. -#}
{% macro lint_stand_in_timestamp(column) -%}
    {%- if flags.WHICH not in ['compile', 'parse'] -%}
        {{ exceptions.raise_compiler_error("var lint_all_adapters is for the linter only (.sqlfluff), not for dbt " ~ flags.WHICH) }}
    {%- endif -%}
    {{ return('try_cast(' ~ clean_string(column) ~ ' as timestamp)') }}
{%- endmacro %}
