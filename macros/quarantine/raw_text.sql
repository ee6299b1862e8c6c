{#-
    Read: a raw value as text. A source table's columns may be text (a CSV export) or native types (a table of
    another tool); the base model casts each to text with raw_text() (raw_text_select, raw_source.sql) and
    the contract parses the text, so both give the same typed values and the same verdicts.
-#}

{#- raw_text(column, native): the raw value of a contract column as text (a column that may be absent
    and is not in the source table is read as empty by raw_text_select). `native` is the source column as the
    warehouse describes it (api.Column), or none (text, or not known while parsing / in unit tests).
      - text: as it is;
      - a float in an integer column: the whole number ('12', not '12.0'); 12.5 stays '12.5' (unparseable);
      - a float in a decimal column: through numeric(38, 12), so 0.00004 is '0.000040000000', not '4e-05';
      - a timestamp in a date column: its date; a timestamp with a time zone (an instant): its date in UTC,
        whatever the session's time zone (DuckDB: the process's TZ; PostgreSQL: PGTZ or the server's timezone);
      - anything else (numeric, integer, date, timestamp, timestamptz, boolean): the warehouse's text, which is
        ISO 8601 for dates and times (a timestamptz keeps its offset) and true/false for booleans. -#}
{% macro raw_text(column, native=none) -%}
    {%- set name = column.name -%}
    {%- set text_type = dbt.type_string() -%}
    {%- set dtype = (native.dtype | lower) if native is not none else '' -%}
    {#- a timestamp with a time zone is an instant: its date is read in UTC, never in the session's zone -#}
    {%- set is_zoned = 'timestamptz' in dtype or ('time zone' in dtype and 'without' not in dtype) -%}
    {%- set is_float = native is not none and (native.is_float() or dtype in ('float', 'double', 'real', 'float4', 'float8')) -%}
    {%- if native is none or native.is_string() -%}
        cast({{ name }} as {{ text_type }})
    {%- elif is_float and column.logical_type == 'integer' -%}
        case
            when {{ name }} = floor({{ name }}) and abs({{ name }}) < 1e18
                then cast(cast({{ name }} as {{ dbt.type_bigint() }}) as {{ text_type }})
            else cast({{ name }} as {{ text_type }})
        end
    {%- elif is_float and column.logical_type == 'decimal' -%}
        case
            when abs({{ name }}) < 1e20 then cast(cast({{ name }} as numeric(38, 12)) as {{ text_type }})
            else cast({{ name }} as {{ text_type }})
        end
    {%- elif column.logical_type == 'date' and is_zoned -%}
        cast(cast(({{ name }} at time zone 'UTC') as date) as {{ text_type }})
    {%- elif column.logical_type == 'date' and 'timestamp' in dtype -%}
        cast(cast({{ name }} as date) as {{ text_type }})
    {%- else -%}
        cast({{ name }} as {{ text_type }})
    {%- endif -%}
{%- endmacro %}
