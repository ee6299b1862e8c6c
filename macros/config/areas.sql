{#-
    The project's areas, each switched on or off by a var (issue 28; README, "Add to an existing dbt project"):
    attribution (attribution_enabled), retention and billing (billing_enabled), finance costs and CAC
    (finance_enabled) and the semantic layer (semantic_layer_enabled); all on by default, except the semantic
    layer in an installed package (on only when the host sets it). dbt_project.yml
    disables an area's models, sources, semantic models and metrics (its tests go with them); the models that
    read across areas ask here: the quarantine and its reconciliation leave out a disabled area's raw tables,
    the calendar its dates, the scorecard the KPIs whose `areas` are off.
-#}

{#- kpi_area_vars(): area -> the var that switches it. -#}
{% macro kpi_area_vars() -%}
    {{ return({
        'attribution': 'attribution_enabled',
        'billing': 'billing_enabled',
        'finance': 'finance_enabled',
        'semantic_layer': 'semantic_layer_enabled',
    }) }}
{%- endmacro %}


{#- kpi_area_enabled(area): whether the area is on: its var true (the default) or false, as YAML or as text
    (--vars from the command line); any other value, or an unknown area, is a compilation error. -#}
{% macro kpi_area_enabled(area) -%}
    {%- set vars_by_area = kpi_area_vars() -%}
    {%- if area not in vars_by_area -%}
        {{ exceptions.raise_compiler_error('unknown area ' ~ area ~ ' (one of ' ~ vars_by_area.keys() | join(', ') ~ ')') }}
    {%- endif -%}
    {#- the semantic layer is on by default as the root project and off as an installed package: a host's own
        time spine or metric of the same name would stop its parse (MetricFlow allows one of each) -#}
    {%- set value = var(vars_by_area[area], project_name == 'sales_marketing_kpis' if area == 'semantic_layer' else true) -%}
    {%- if value in [true, 'true', 'True', 'TRUE', 1, '1'] -%}
        {{ return(true) }}
    {%- elif value in [false, 'false', 'False', 'FALSE', 0, '0'] -%}
        {{ return(false) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        'var ' ~ vars_by_area[area] ~ ' must be true or false, got ' ~ (value | string)[:40]) }}
{%- endmacro %}


{#- kpi_areas_enabled(areas): whether every area of the list is on (an empty list: true). -#}
{% macro kpi_areas_enabled(areas) -%}
    {%- if areas is string -%}
        {{ return(kpi_area_enabled(areas)) }}
    {%- endif -%}
    {%- for area in areas or [] if not kpi_area_enabled(area) -%}
        {{ return(false) }}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#- kpi_raw_table_areas(): the raw tables of the contract that belong to an area (every other raw table is
    needed by the KPIs that are always on). -#}
{% macro kpi_raw_table_areas() -%}
    {{ return({
        'billing_customers': 'billing',
        'billing_subscription_events': 'billing',
        'finance_costs': 'finance',
    }) }}
{%- endmacro %}


{#- enabled_raw_contract(): raw_contract() without the raw tables of the areas that are off. -#}
{% macro enabled_raw_contract() -%}
    {%- set areas = kpi_raw_table_areas() -%}
    {%- set tables = [] -%}
    {%- for table in raw_contract() if table.name not in areas or kpi_area_enabled(areas[table.name]) -%}
        {%- do tables.append(table) -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}
