{#-
    String clean-up used by every staging model. The raw layer is all text
    (CSV exports), so "missing" can arrive as NULL or as an empty/blank string;
    these macros make both NULL. Plain SQL, identical on DuckDB, PostgreSQL and Spark (unicode_char).
-#}

{#- invisible_characters(): characters an export carries that nobody can see and that are never part of
    a value: zero-width space, non-joiner and joiner, word joiner and a byte-order mark inside the text
    ({code point: name}). A no-break space counts as a space. -#}
{% macro invisible_characters() -%}
    {{ return({8203: 'U+200B', 8204: 'U+200C', 8205: 'U+200D', 8288: 'U+2060', 65279: 'U+FEFF'}) }}
{%- endmacro %}

{#- strip_invisible(expression): the text without invisible characters, no-break spaces as spaces: one
    translate() (a character of the second argument without a counterpart in the third is deleted), so the
    SQL does not nest a call per character. Every character translate() looks for is outside ASCII, so text
    whose length in bytes is its length in characters (plain ASCII, nearly every value) is returned as it is:
    translate() is the most expensive step of reading a raw table (1M leads: 1.4 s of 2.2 s per touchpoint
    column on DuckDB, BENCHMARKS.md), the length comparison costs next to nothing. -#}
{% macro strip_invisible(expression) -%}
    {%- set removed = [] -%}
    {%- for code in invisible_characters() -%}
        {%- do removed.append(unicode_char(code)) -%}
    {%- endfor -%}
    case
        when {{ text_byte_length(expression) }} = length({{ expression }}) then {{ expression }}
        else translate({{ expression }}, {{ unicode_char(160) }} || {{ removed | join(' || ') }}, ' ')
    end
{%- endmacro %}

{#- text_byte_length(expression): the length of a text in bytes (UTF-8): strlen() on DuckDB (its
    octet_length() takes blobs only), octet_length() on PostgreSQL and Spark. -#}
{% macro text_byte_length(expression) -%}
    {{ return(adapter.dispatch('text_byte_length')(expression)) }}
{%- endmacro %}

{% macro default__text_byte_length(expression) -%}
    octet_length({{ expression }})
{%- endmacro %}

{% macro duckdb__text_byte_length(expression) -%}
    strlen({{ expression }})
{%- endmacro %}

{#- unicode_char(code): the character of a Unicode code point as a SQL expression: chr(code) on DuckDB and
    PostgreSQL; a '\uXXXX' literal on Spark, whose chr() takes the code modulo 256. -#}
{% macro unicode_char(code) -%}
    {{ return(adapter.dispatch('unicode_char')(code)) }}
{%- endmacro %}

{% macro default__unicode_char(code) -%}
    chr({{ code }})
{%- endmacro %}

{% macro spark__unicode_char(code) -%}
    '\u{{ '%04X' % code }}'
{%- endmacro %}

{#- escape_invisible(expression): the text with invisible characters, no-break spaces and control
    characters shown as <U+XXXX>, for messages about a raw value. -#}
{% macro escape_invisible(expression) -%}
    {%- set shown = {160: 'U+00A0', 9: 'U+0009', 10: 'U+000A', 13: 'U+000D'} -%}
    {%- do shown.update(invisible_characters()) -%}
    {%- set text = namespace(sql=expression) -%}
    {%- for code, name in shown.items() -%}
        {%- set text.sql = 'replace(' ~ text.sql ~ ', ' ~ unicode_char(code) ~ ', \'<' ~ name ~ '>\')' -%}
    {%- endfor -%}
    {{ text.sql }}
{%- endmacro %}

{#- is_cleaned(column): true for a column that holds clean_string's result already: by convention a
    column named clean__<name> (the base models clean every raw column once, quarantine_row_checks), so
    the parsing and checking macros do not strip and trim the same text again. -#}
{% macro is_cleaned(column) -%}
    {{ return((column | string).split('.')[-1].startswith('clean__')) }}
{%- endmacro %}

{#- clean_string(column): trimmed text without invisible characters; empty or blank -> null. -#}
{% macro clean_string(column) -%}
    {%- if is_cleaned(column) -%}
        {{ column }}
    {%- else -%}
        nullif(trim({{ strip_invisible(column) }}), '')
    {%- endif -%}
{%- endmacro %}

{#- clean_enum(column): lower(trim(text)); empty -> null. For enum-like codes
    (statuses, stages, segments) and utm values, compared case-insensitively. -#}
{% macro clean_enum(column) -%}
    {%- if is_cleaned(column) -%}
        lower({{ column }})
    {%- else -%}
        nullif(lower(trim({{ strip_invisible(column) }})), '')
    {%- endif -%}
{%- endmacro %}

{#- clean_code(column): upper(trim(text)); empty -> null. For ISO codes
    (ISO 3166-1 country codes, ISO 4217 currency codes). -#}
{% macro clean_code(column) -%}
    {%- if is_cleaned(column) -%}
        upper({{ column }})
    {%- else -%}
        nullif(upper(trim({{ strip_invisible(column) }})), '')
    {%- endif -%}
{%- endmacro %}

{#- clean_currency(column): ISO 4217 currency code, upper-cased and trimmed;
    empty -> null. -#}
{% macro clean_currency(column) -%}
    {{ clean_code(column) }}
{%- endmacro %}


{#- string_literal(value): a text as a SQL string literal: a quote doubled on DuckDB and PostgreSQL; on Spark,
    where '' inside a literal ends it (two adjacent literals) and a backslash escapes, both backslash-escaped. -#}
{% macro string_literal(value) -%}
    {%- if target.type == 'spark' -%}
        '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- else -%}
        '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}
