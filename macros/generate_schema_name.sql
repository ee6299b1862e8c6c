{#-
    As the root project (this repository run on its own): use the configured custom schema name as is (raw,
    staging, intermediate, marts) instead of dbt's default "<target_schema>_<custom>", so BI tools and grants
    see stable schema names on every target.

    As a package in another project (issue 28): dbt asks a package's own generate_schema_name for the package's
    models, so this one hands the name to the host's: the host project's generate_schema_name when it has one,
    else dbt's default ("<target_schema>_<custom>"). The package's schemas follow the host's naming and never
    take the host's schema names (a host with a schema "marts" of its own keeps it).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if project_name != 'sales_marketing_kpis' -%}
        {%- set host_macros = context.get(project_name) -%}
        {%- set host_macro = host_macros.get('generate_schema_name') if host_macros is mapping else none -%}
        {%- if host_macro is not none -%}
            {{ host_macro(custom_schema_name, node) }}
        {%- else -%}
            {{ dbt.default__generate_schema_name(custom_schema_name, node) }}
        {%- endif -%}
    {%- elif custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
