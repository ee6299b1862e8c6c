{#-
    What a verdict shows of a raw row: its key as text, a raw value quoted for a message, the whole raw row as
    JSON (quarantine.quarantined_rows).
-#}

{#- quarantine_text(expression): a raw value quoted for a message, at most 80 characters, with the
    characters a reader cannot see shown escaped (a zero-width space as <U+200B>, a no-break space as
    <U+00A0>, a tab as <U+0009>: escape_invisible, macros/staging/clean_strings.sql). -#}
{% macro quarantine_text(expression) -%}
    chr(39) || coalesce({{ escape_invisible('left(' ~ expression ~ ', 80)') }}, '') || chr(39)
{%- endmacro %}


{#- raw_row_json(columns): the raw row as JSON text, columns in contract order. -#}
{% macro raw_row_json(columns) -%}
    {{ return(adapter.dispatch('raw_row_json')(columns)) }}
{%- endmacro %}

{% macro default__raw_row_json(columns) -%}
    cast(json_object(
        {%- for column in columns %}
        '{{ column.name }}', {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__raw_row_json(columns) -%}
    cast(json_build_object(
        {%- for column in columns %}
        '{{ column.name }}', {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as text)
{%- endmacro %}

{% macro spark__raw_row_json(columns) -%}
    {#- to_json drops null fields: the struct is written with every key, null as JSON null -#}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column.name }}', {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}


{#- quarantine_row_key(table): the primary key of a raw row as text,
    'lead_id=L-00001' or 'rep_id=R-1, valid_from=2025-01-01'. -#}
{% macro quarantine_row_key(table) -%}
    {%- for key in table.primary_key -%}
        '{{ key }}=' || coalesce(trim({{ key }}), '')
        {%- if not loop.last %} || ', ' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}
