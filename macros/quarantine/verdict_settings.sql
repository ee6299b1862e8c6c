{#-
    Verdict settings: which rules hold a row back instead of rejecting it, and the share of a table's rows that
    may be rejected (the quarantine_below_threshold test, tests/generic/; quarantine_summary).
-#}

{#- Rules that hold a row back rather than reject it: rows dated after an
    explicit as-of date (time travel) and rows that reference them. They are
    quarantined and reported, but do not count towards quarantine_threshold. -#}
{% macro quarantine_held_back_rules() -%}
    {{ return(['event_after_as_of', 'reference_after_as_of']) }}
{%- endmacro %}


{#- quarantine_threshold(): var quarantine_threshold (default 0.01) as a SQL number literal; a value that is not
    a number between 0 and 1 is a compilation error (it is pasted into SQL). -#}
{% macro quarantine_threshold() -%}
    {%- set value = checked_number_var('quarantine_threshold', 0.01) -%}
    {%- set number = value | float(-1) -%}
    {%- if (value | string) | trim == '' or number < 0 or number > 1 -%}
        {{ exceptions.raise_compiler_error('var quarantine_threshold must be a number between 0 and 1, got ' ~ value) }}
    {%- endif -%}
    {{ return(number | string) }}
{%- endmacro %}
