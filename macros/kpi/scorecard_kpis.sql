{#- scorecard_kpis(): the scorecard's KPI definitions, var scorecard_kpis (dbt_project.yml), checked: a
    non-empty list of mappings, each with name, model, value, numerator and direction (higher_is_better or
    lower_is_better), optional denominator, additive (true/false), where, and areas (the areas whose marts it
    reads: attribution, billing, finance; macros/config/areas.sql); names unique. A compile error names the
    entry and what is wrong, so a typo never gives a scorecard without the KPI. An entry whose areas are not all
    on is left out (its mart is not built). -#}
{% macro scorecard_kpis() -%}
    {%- set kpis = var('scorecard_kpis', []) -%}
    {%- if kpis is string or kpis is mapping or kpis | length == 0 -%}
        {{ exceptions.raise_compiler_error('var scorecard_kpis must be a non-empty list of KPI definitions') }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- set enabled = [] -%}
    {%- for kpi in kpis -%}
        {%- if kpi is not mapping -%}
            {{ exceptions.raise_compiler_error('var scorecard_kpis, entry ' ~ loop.index ~ ': not a mapping') }}
        {%- endif -%}
        {%- for key in ['name', 'model', 'value', 'numerator', 'direction'] -%}
            {%- if not kpi.get(key) -%}
                {{ exceptions.raise_compiler_error(
                    'var scorecard_kpis, entry ' ~ loop.index ~ ' (' ~ kpi.get('name', '?') ~ '): ' ~ key
                    ~ ' is missing') }}
            {%- endif -%}
        {%- endfor -%}
        {%- set unknown = kpi.keys() | reject('in', ['name', 'model', 'value', 'numerator', 'denominator',
            'direction', 'additive', 'where', 'areas']) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error('var scorecard_kpis, ' ~ kpi.name ~ ': unknown key(s) '
                ~ unknown | join(', ')) }}
        {%- endif -%}
        {%- if kpi.direction not in ['higher_is_better', 'lower_is_better'] -%}
            {{ exceptions.raise_compiler_error('var scorecard_kpis, ' ~ kpi.name
                ~ ': direction must be higher_is_better or lower_is_better, got ' ~ kpi.direction) }}
        {%- endif -%}
        {%- if kpi.name in names -%}
            {{ exceptions.raise_compiler_error('var scorecard_kpis: KPI ' ~ kpi.name ~ ' is defined twice') }}
        {%- endif -%}
        {%- do names.append(kpi.name) -%}
        {%- set areas = kpi.get('areas') or [] -%}
        {%- if areas is string or areas is mapping -%}
            {{ exceptions.raise_compiler_error('var scorecard_kpis, ' ~ kpi.name ~ ': areas must be a list') }}
        {%- endif -%}
        {%- if kpi_areas_enabled(areas) -%}
            {%- do enabled.append(kpi) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not enabled -%}
        {{ exceptions.raise_compiler_error('var scorecard_kpis: every KPI is in an area that is switched off') }}
    {%- endif -%}
    {{ return(enabled) }}
{%- endmacro %}
