{#-
    String clean-up used by every staging model. The raw layer is all text
    (CSV exports), so "missing" can arrive as NULL or as an empty/blank string;
    these macros make both NULL. Plain SQL, identical on DuckDB and PostgreSQL.
-#}

{#- invisible_characters(): characters an export carries that nobody can see and that are never part of
    a value: zero-width space, non-joiner and joiner, word joiner and a byte-order mark inside the text
    ({code point: name}). A no-break space counts as a space. -#}
{% macro invisible_characters() -%}
    {{ return({8203: 'U+200B', 8204: 'U+200C', 8205: 'U+200D', 8288: 'U+2060', 65279: 'U+FEFF'}) }}
{%- endmacro %}

{#- strip_invisible(expression): the text without invisible characters, no-break spaces as spaces. -#}
{% macro strip_invisible(expression) -%}
    {%- set text = namespace(sql='replace(' ~ expression ~ ', chr(160), \' \')') -%}
    {%- for code in invisible_characters() -%}
        {%- set text.sql = 'replace(' ~ text.sql ~ ', chr(' ~ code ~ '), \'\')' -%}
    {%- endfor -%}
    {{ text.sql }}
{%- endmacro %}

{#- escape_invisible(expression): the text with invisible characters, no-break spaces and control
    characters shown as <U+XXXX>, for messages about a raw value. -#}
{% macro escape_invisible(expression) -%}
    {%- set shown = {160: 'U+00A0', 9: 'U+0009', 10: 'U+000A', 13: 'U+000D'} -%}
    {%- do shown.update(invisible_characters()) -%}
    {%- set text = namespace(sql=expression) -%}
    {%- for code, name in shown.items() -%}
        {%- set text.sql = 'replace(' ~ text.sql ~ ', chr(' ~ code ~ '), \'<' ~ name ~ '>\')' -%}
    {%- endfor -%}
    {{ text.sql }}
{%- endmacro %}

{#- clean_string(column): trimmed text without invisible characters; empty or blank -> null. -#}
{% macro clean_string(column) -%}
    nullif(trim({{ strip_invisible(column) }}), '')
{%- endmacro %}

{#- clean_enum(column): lower(trim(text)); empty -> null. For enum-like codes
    (statuses, stages, segments) and utm values, compared case-insensitively. -#}
{% macro clean_enum(column) -%}
    nullif(lower(trim({{ strip_invisible(column) }})), '')
{%- endmacro %}

{#- clean_code(column): upper(trim(text)); empty -> null. For ISO codes
    (ISO 3166-1 country codes, ISO 4217 currency codes). -#}
{% macro clean_code(column) -%}
    nullif(upper(trim({{ strip_invisible(column) }})), '')
{%- endmacro %}

{#- clean_currency(column): ISO 4217 currency code, upper-cased and trimmed;
    empty -> null. -#}
{% macro clean_currency(column) -%}
    {{ clean_code(column) }}
{%- endmacro %}
