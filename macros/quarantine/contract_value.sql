{#-
    Type: the typed value of a raw contract column. The raw layer is text; contract_value() parses it as the
    contract says (macros/staging/casts.sql, clean_strings.sql), once per row in the base model
    (quarantine_row_checks), which keeps it as typed__<column> (typed_value()) for the rules, the staging models
    and the incremental filters.
-#}

{#- contract_value(column, relation_alias, parse_only): the typed, normalised
    value of a raw contract column, exactly as the staging models compute it:
    the parsed value, or the column's default when it is empty (parse_only: the
    parsed value alone). A column with a fallback takes the fallback column's
    value when empty (in quarantine_row_checks, where both are at hand). -#}
{% macro contract_value(column, relation_alias=none, parse_only=false, cleaned=false) -%}
    {#- cleaned: read clean__<name>, the column's text cleaned once (clean_string) -#}
    {%- set name = (relation_alias ~ '.' if relation_alias else '') ~ ('clean__' if cleaned else '') ~ column.name -%}
    {%- set logical_type = column.logical_type -%}
    {%- if column.get('default') and not parse_only -%}
        coalesce({{ contract_value(column, relation_alias, parse_only=true, cleaned=cleaned) }}, '{{ column.default }}')
    {%- elif logical_type == 'date' -%}
        {{ to_date(name) }}
    {%- elif logical_type in ('timestamp', 'date_or_timestamp') -%}
        {{ to_utc_timestamp(name) }}
    {%- elif logical_type == 'decimal' -%}
        {#- 14 digits before the point; 4 after it unless the contract says (FX rates: 12) -#}
        {%- set scale = column.get('scale') or 6 -%}
        {{ to_decimal(name, 14 + scale, scale) }}
    {%- elif logical_type == 'integer' -%}
        {{ to_integer(name) }}
    {%- elif logical_type == 'boolean' -%}
        {{ to_boolean(name) }}
    {%- elif column.normalize == 'lower' -%}
        {{ clean_enum(name) }}
    {%- elif column.normalize == 'upper' -%}
        {{ clean_code(name) }}
    {%- else -%}
        {{ clean_string(name) }}
    {%- endif -%}
{%- endmacro %}


{#- typed_value(column): the column holding contract_value(column), computed
    once per row by quarantine_row_checks and kept in the base_ and chk_ models
    as typed__<name>, so the rules, the staging models and the incremental
    filters do not parse the raw text again. -#}
{% macro typed_value(column, relation_alias=none) -%}
    {{ (relation_alias ~ '.' if relation_alias else '') ~ 'typed__' ~ column.name }}
{%- endmacro %}
