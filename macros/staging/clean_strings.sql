{#-
    String clean-up used by every staging model. The raw layer is all text
    (CSV exports), so "missing" can arrive as NULL or as an empty/blank string;
    these macros make both NULL. Plain SQL, identical on DuckDB and PostgreSQL.
-#}

{#- clean_string(column): trimmed text; empty or blank -> null. -#}
{% macro clean_string(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- clean_enum(column): lower(trim(text)); empty -> null. For enum-like codes
    (statuses, stages, segments) and utm values, compared case-insensitively. -#}
{% macro clean_enum(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}

{#- clean_code(column): upper(trim(text)); empty -> null. For ISO codes
    (ISO 3166-1 country codes, ISO 4217 currency codes). -#}
{% macro clean_code(column) -%}
    nullif(upper(trim({{ column }})), '')
{%- endmacro %}

{#- clean_currency(column): ISO 4217 currency code, upper-cased and trimmed;
    empty -> null. -#}
{% macro clean_currency(column) -%}
    {{ clean_code(column) }}
{%- endmacro %}
