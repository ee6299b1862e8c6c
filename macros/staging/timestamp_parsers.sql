{#-
    The engine-specific halves of to_utc_timestamp (casts.sql): the time zone abbreviations it accepts and the
    DuckDB and PostgreSQL parsers of ISO 8601 text with a UTC offset, a time zone name or neither. The
    PostgreSQL parser reuses the calendar patterns of casts.sql (postgres_date_pattern, postgres_time_pattern).
-#}

{#- timezone_abbreviation_offsets(): the time zone abbreviations accepted after a timestamp, as fixed
    UTC offsets (the North American and Central European ones real exports carry; CST is US Central).
    Other abbreviations are ambiguous (IST: India, Ireland or Israel) and are not guessed. -#}
{% macro timezone_abbreviation_offsets() -%}
    {{ return({
        'UTC': '+00:00', 'GMT': '+00:00',
        'EST': '-05:00', 'EDT': '-04:00', 'CST': '-06:00', 'CDT': '-05:00',
        'MST': '-07:00', 'MDT': '-06:00', 'PST': '-08:00', 'PDT': '-07:00',
        'CET': '+01:00', 'CEST': '+02:00',
    }) }}
{%- endmacro %}

{% macro timezone_offset_case(zone_expression) -%}
    case upper({{ zone_expression }})
        {%- for abbreviation, offset in timezone_abbreviation_offsets().items() %}
        when '{{ abbreviation }}' then '{{ offset }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro default__to_utc_timestamp(column) -%}
    {{ exceptions.raise_compiler_error('to_utc_timestamp is implemented for duckdb, postgres and spark only, not ' ~ target.type) }}
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(column) -%}
    {%- set value = clean_string(column) -%}
    {%- set day = '[0-9]{4}-[0-9]{2}-[0-9]{2}' -%}
    {%- set time = '[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?' -%}
    {%- set local = "regexp_extract(" ~ value ~ ", '^(" ~ day ~ "[Tt ]" ~ time ~ ") +', 1)" -%}
    {%- set zone = "regexp_extract(" ~ value ~ ", ' +([A-Za-z][A-Za-z0-9_+/-]*)$', 1)" -%}
    case
        when regexp_full_match({{ value }}, '{{ day }}([Tt ]{{ time }})?')
            then try_cast({{ value }} as timestamp)
        when regexp_full_match({{ value }}, '{{ day }}[Tt ]{{ time }} ?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)')
            then cast(timezone('UTC', try_cast({{ value }} as timestamptz)) as timestamp)
        when regexp_full_match({{ value }}, '{{ day }}[Tt ]{{ time }} +[A-Za-z]{2,5}')
            and {{ timezone_offset_case(zone) }} is not null
            then cast(timezone('UTC', try_cast({{ local }} || {{ timezone_offset_case(zone) }} as timestamptz)) as timestamp)
        when regexp_full_match({{ value }}, '{{ day }}[Tt ]{{ time }} +[A-Za-z]+(/[A-Za-z0-9_+-]+)+')
            and {{ zone }} in (select tz.name from pg_timezone_names() as tz)
            then cast(timezone('UTC', timezone({{ zone }}, try_cast({{ local }} as timestamp))) as timestamp)
    end
{%- endmacro %}

{% macro postgres__to_utc_timestamp(column) -%}
    {%- set value = clean_string(column) -%}
    {%- set day = postgres_date_pattern() -%}
    {%- set time = postgres_time_pattern() -%}
    {%- set local = "substring(" ~ value ~ " from '^(" ~ day ~ "[Tt ]" ~ time ~ ") +')" -%}
    {%- set zone = "substring(" ~ value ~ " from ' +([A-Za-z][A-Za-z0-9_+/-]*)$')" -%}
    case
        when {{ value }} ~ '^{{ day }}([Tt ]{{ time }})?$'
            then cast({{ value }} as timestamp)
        when {{ value }} ~ '^{{ day }}[Tt ]{{ time }} ?([Zz]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)$'
            then (cast({{ value }} as timestamptz) at time zone 'UTC')
        when {{ value }} ~ '^{{ day }}[Tt ]{{ time }} +[A-Za-z]{2,5}$'
            and {{ timezone_offset_case(zone) }} is not null
            then (cast({{ local }} || {{ timezone_offset_case(zone) }} as timestamptz) at time zone 'UTC')
        when {{ value }} ~ '^{{ day }}[Tt ]{{ time }} +[A-Za-z]+(/[A-Za-z0-9_+-]+)+$'
            and {{ zone }} in (select tz.name from pg_catalog.pg_timezone_names as tz)
            then ((cast({{ local }} as timestamp) at time zone {{ zone }}) at time zone 'UTC')
    end
{%- endmacro %}

{#- Spark: the result is a timestamp_ntz (Spark's plain timestamp is an instant shown in the session time zone;
    timestamp_ntz holds the UTC wall-clock value whatever the session's zone). A UTC offset or an abbreviation
    is subtracted as seconds; a zone name goes through convert_timezone, which fails the query on a name Java
    does not know, so only the names of the IANA database (pytz's list, compiled in) reach it. -#}
{% macro spark__to_utc_timestamp(column) -%}
    {%- set value = clean_string(column) -%}
    {%- set zone_names = [] -%}
    {%- for name in modules.pytz.all_timezones if '/' in name -%}
        {%- do zone_names.append(name) -%}
    {%- endfor -%}
    {%- set day = '[0-9]{4}-[0-9]{2}-[0-9]{2}' -%}
    {%- set time = '[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?' -%}
    {%- set local = "try_cast(regexp_replace(regexp_extract(" ~ value ~ ", '^(" ~ day ~ "[Tt ]" ~ time ~ ")', 1), '[Tt]', ' ') as timestamp_ntz)" -%}
    {%- set offset = "regexp_extract(" ~ value ~ ", '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$', 1)" -%}
    {%- set zone = "regexp_extract(" ~ value ~ ", ' +([A-Za-z][A-Za-z0-9_+/-]*)$', 1)" -%}
    {%- set offset_seconds -%}
        case
            when upper({{ offset }}) = 'Z' then 0
            else (case when left({{ offset }}, 1) = '-' then -1 else 1 end)
                * (cast(substr({{ offset }}, 2, 2) as int) * 3600
                    + coalesce(cast(nullif(substr(replace({{ offset }}, ':', ''), 4, 2), '') as int), 0) * 60)
        end
    {%- endset -%}
    {%- set abbreviation_seconds -%}
        case upper({{ zone }})
            {%- for abbreviation, utc_offset in timezone_abbreviation_offsets().items() %}
            {%- set sign = -1 if utc_offset[0] == '-' else 1 %}
            when '{{ abbreviation }}' then {{ sign * ((utc_offset[1:3] | int) * 3600 + (utc_offset[4:6] | int) * 60) }}
            {%- endfor %}
        end
    {%- endset -%}
    case
        when {{ value }} rlike '^{{ day }}([Tt ]{{ time }})?$'
            then try_cast(regexp_replace({{ value }}, '[Tt]', ' ') as timestamp_ntz)
        when {{ value }} rlike '^{{ day }}[Tt ]{{ time }} ?([Zz]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)$'
            then timestampadd(SECOND, -({{ offset_seconds }}), {{ local }})
        when {{ value }} rlike '^{{ day }}[Tt ]{{ time }} +[A-Za-z]{2,5}$'
            and {{ abbreviation_seconds }} is not null
            then timestampadd(SECOND, -({{ abbreviation_seconds }}), {{ local }})
        when {{ value }} rlike '^{{ day }}[Tt ]{{ time }} +[A-Za-z]+(/[A-Za-z0-9_+-]+)+$'
            and {{ zone }} in ('{{ zone_names | join("', '") }}')
            then convert_timezone({{ zone }}, 'UTC', {{ local }})
    end
{%- endmacro %}

