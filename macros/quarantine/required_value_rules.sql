{#-
    Single-table rules, first in precedence: a value that must be there. null_key (an empty primary key column)
    and missing_value (an empty required column, or one required with, without or when another column's value
    says so).
-#}

{#- quarantine_presence_checks(table): the null_key and missing_value rules of a table, in precedence order,
    each {rule, column, condition, message} (SQL snippets over the cleaned raw text, clean__<column>, and the
    typed values); the first rules of quarantine_single_row_checks. -#}
{% macro quarantine_presence_checks(table) -%}
    {%- set checks = [] -%}
    {%- set by_name = {} -%}
    {%- for column in table.columns -%}
        {%- do by_name.update({column.name: column}) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('key') -%}
        {%- do checks.append({
            'rule': 'null_key', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null',
            'message': "'primary key column " ~ column.name ~ " is empty'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.required and not column.get('key') -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null',
            'message': "'required column " ~ column.name ~ " is empty'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('required_without') -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null and ' ~ clean_string('clean__' ~ column.required_without) ~ ' is null',
            'message': "'column " ~ column.name ~ " is empty, and so is " ~ column.required_without ~ "'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('required_with') -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null and ' ~ clean_string('clean__' ~ column.required_with) ~ ' is not null',
            'message': "'column " ~ column.name ~ " is empty, but " ~ column.required_with ~ " has a value'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('required_when') -%}
        {%- set other = by_name[column.required_when.column] -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null and ' ~ typed_value(other)
                ~ " in ('" ~ column.required_when['values'] | join("', '") ~ "')",
            'message': "'column " ~ column.name ~ " is empty, but " ~ other.name ~ " is ' || " ~ typed_value(other),
        }) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}
