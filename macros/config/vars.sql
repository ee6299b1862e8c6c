{#-
    The project's vars, checked before they reach SQL (docs/operations.md, "Vars").

    A var is pasted into SQL as a literal, so every value is validated first and a
    bad one is a compilation error naming the var and the value; nothing is
    executed: a currency must be three letters, a date a date YYYY-MM-DD, a number
    a number. `kpi-pipeline run` checks the same rules in Python before it loads
    anything (kpi_pipeline/settings.py, validate_vars).
-#}

{#- checked_currency_var(name, default): an ISO 4217 code, upper-cased: three letters A-Z. -#}
{% macro checked_currency_var(name, default) -%}
    {%- set value = (var(name, default) | string | trim | upper) -%}
    {%- if not modules.re.fullmatch('[A-Z]{3}', value) -%}
        {{ exceptions.raise_compiler_error('var ' ~ name ~ ' must be a three-letter ISO 4217 currency code, got ' ~ (var(name, default) | string)[:40] ~ '') }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- checked_date_var(name, default=none): a date YYYY-MM-DD (as text), or none when the var is null. -#}
{% macro checked_date_var(name, default=none) -%}
    {%- set value = var(name, default) -%}
    {%- if value is none or (value | string | trim) in ('', 'None', 'null') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ exceptions.raise_compiler_error('var ' ~ name ~ ' must be a date YYYY-MM-DD, got ' ~ text[:40]) }}
    {%- endif -%}
    {%- set year, month, day = text[:4] | int, text[5:7] | int, text[8:10] | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if month < 1 or month > 12 or day < 1 or day > month_days[month - 1] -%}
        {{ exceptions.raise_compiler_error('var ' ~ name ~ ' must be a calendar date YYYY-MM-DD, got ' ~ text[:40]) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}


{#- checked_number_var(name, default): a number (integer or decimal), as SQL text. -#}
{% macro checked_number_var(name, default) -%}
    {%- set value = var(name, default) | string | trim -%}
    {%- if not modules.re.fullmatch('[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?', value) -%}
        {{ exceptions.raise_compiler_error('var ' ~ name ~ ' must be a number, got ' ~ value[:40]) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- plausible_date(which, literal=true): var plausible_date_min (default 2000-01-01) or
    plausible_date_max (default 2099-12-31): a SQL date literal, or the text with literal=false. -#}
{% macro plausible_date(which, literal=true) -%}
    {%- set defaults = {'min': '2000-01-01', 'max': '2099-12-31'} -%}
    {%- set text = checked_date_var('plausible_date_' ~ which, defaults[which]) -%}
    {{ return("cast('" ~ text ~ "' as date)" if literal else text) }}
{%- endmacro %}


{#- checked_choice_var(name, default, choices): one of `choices` (text, lower-cased), e.g. pacing_days. -#}
{% macro checked_choice_var(name, default, choices) -%}
    {%- set value = var(name, default) -%}
    {%- set text = (default if value is none else value) | string | trim | lower -%}
    {%- if text not in choices -%}
        {{ exceptions.raise_compiler_error('var ' ~ name ~ ' must be one of ' ~ (choices | join(', ')) ~ ', got ' ~ (value | string)[:40]) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
