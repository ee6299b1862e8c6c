{#-
    Read-only access for BI tools (PostgreSQL; DuckDB has no roles or grants,
    so every macro here is a no-op there).

    bi_role(): the name of the read-only role, var bi_reader_role, else env var KPI_BI_ROLE, default
    bi_reader. Installed as a package, none of this happens unless the host sets var bi_reader_role. The marts
    folder grants it SELECT through dbt's `grants` config (dbt_project.yml), and as a package (whose
    dbt_project.yml dbt renders without the host's vars) grant_bi_reader_schema_usage grants the package's
    marts; nothing else in the warehouse is granted to it.

    create_bi_reader_role() (on-run-start): creates the role when it does not
    exist yet, as a NOLOGIN group role: people and BI service accounts log in
    as their own users and are made members of it
    (`grant bi_reader to looker_svc`). Needs CREATEROLE the first time only.

    grant_bi_reader_schema_usage() (on-run-end): USAGE on every schema that
    holds a model with a select grant (the marts schema), so the granted
    tables are reachable. Only schemas that exist are granted (a run of a
    subset may not have created them yet). As a package with var
    bi_reader_role: also SELECT on every mart and semantic view of the
    package that exists.
-#}
{% macro bi_role() -%}
    {{ return(var('bi_reader_role', env_var('KPI_BI_ROLE', 'bi_reader'))) }}
{%- endmacro %}

{#- bi_reader_wanted(): whether this run grants the marts to bi_role(): as the root project always (PostgreSQL),
    as a package only when the host sets var bi_reader_role (the same rule as the marts' grants config). -#}
{% macro bi_reader_wanted() -%}
    {{ return(project_name == 'sales_marketing_kpis' or var('bi_reader_role', none) is not none) }}
{%- endmacro %}


{% macro create_bi_reader_role() -%}
    {{ return(adapter.dispatch('create_bi_reader_role')()) }}
{%- endmacro %}

{% macro default__create_bi_reader_role() -%}
    select 1 as no_op
{%- endmacro %}

{% macro postgres__create_bi_reader_role() -%}
    {%- if not bi_reader_wanted() -%}
        {{ return('select 1 as no_op') }}
    {%- endif -%}
    do $bi_role$
    begin
        if not exists (select 1 from pg_catalog.pg_roles where rolname = '{{ bi_role() }}') then
            create role {{ adapter.quote(bi_role()) }} nologin;
        end if;
    end
    $bi_role$
{%- endmacro %}


{% macro grant_bi_reader_schema_usage() -%}
    {{ return(adapter.dispatch('grant_bi_reader_schema_usage')()) }}
{%- endmacro %}

{% macro default__grant_bi_reader_schema_usage() -%}
    select 1 as no_op
{%- endmacro %}

{% macro postgres__grant_bi_reader_schema_usage() -%}
    {#- Installed as a package, the marts' grants config (dbt_project.yml) never sees the host's var
        bi_reader_role: dbt renders a package's dbt_project.yml without the host's vars. So when the host sets
        it, the package's marts and semantic views that exist are granted here, at the end of every run. -#}
    {%- set as_package = project_name != 'sales_marketing_kpis' and bi_reader_wanted() -%}
    {%- set schemas = [] -%}
    {%- set relations = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
            {%- set package_mart = as_package and node.package_name == 'sales_marketing_kpis'
                and node.fqn[1] in ('marts', 'semantic') -%}
            {%- if package_mart or bi_role() in (node.config.grants or {}).get('select', []) -%}
                {%- do schemas.append(node.schema) if node.schema not in schemas -%}
            {%- endif -%}
            {%- if package_mart -%}
                {%- do relations.append([node.schema, node.alias or node.name]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if schemas -%}
        do $bi_usage$
        declare
            schema_name text;
            relation_schemas text[] := array[
                {%- for relation in relations %}'{{ relation[0] }}'{{ ', ' if not loop.last }}{% endfor -%}
            ]::text[];
            relation_names text[] := array[
                {%- for relation in relations %}'{{ relation[1] }}'{{ ', ' if not loop.last }}{% endfor -%}
            ]::text[];
        begin
            foreach schema_name in array array[
                {%- for schema in schemas %}'{{ schema }}'{{ ', ' if not loop.last }}{% endfor -%}
            ]::text[] loop
                if exists (select 1 from pg_catalog.pg_namespace where nspname = schema_name) then
                    execute format('grant usage on schema %I to %I', schema_name, '{{ bi_role() }}');
                end if;
            end loop;
            for i in 1 .. coalesce(array_length(relation_names, 1), 0) loop
                if to_regclass(format('%I.%I', relation_schemas[i], relation_names[i])) is not null then
                    execute format('grant select on %I.%I to %I', relation_schemas[i], relation_names[i],
                                   '{{ bi_role() }}');
                end if;
            end loop;
        end
        $bi_usage$
    {%- else -%}
        select 1 as no_op
    {%- endif -%}
{%- endmacro %}
