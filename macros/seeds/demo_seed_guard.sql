{#-
    The demo never replaces your data.

    The demo seeds (seeds/demo/, config meta demo_data: true) fill the source schema with the demo data set, and
    only when asked: they are enabled by var load_demo_data (`kpi-pipeline run` without --data-dir sets it;
    a plain `dbt build` never seeds them). Even then this seed materialization (it wraps dbt's own) writes a
    demo table only when the source schema holds nothing but the demo:
      - every contract table already in the schema must carry the demo's mark, a table comment
        `kpi-demo-data rows=<n>` written when the demo seeded it, and still have those n rows;
      - a table without the mark (loaded by `kpi-pipeline run --data-dir`, which marks its tables
        `kpi-pipeline load ...`, or created by any other tool) or with other rows is the user's: then no demo
        table is written or replaced, not even a missing one (demo rows next to real rows would mix into the
        marts). The on-run-start hook guard_demo_seeds() checks the whole schema once, before the seeds run
        in parallel, and stops the invocation naming the table; each demo seed checks its own table again.
    Other seeds (the reference data in seeds/reference/, schema reference) are dbt's plain seeds.
-#}

{% macro demo_data_mark() -%}
    {{ return('kpi-demo-data') }}
{%- endmacro %}


{#- raw_table_comments(database, schema): {table name: comment or none} of the tables in a schema. -#}
{% macro raw_table_comments(database, schema) -%}
    {{ return(adapter.dispatch('raw_table_comments')(database, schema)) }}
{%- endmacro %}

{% macro default__raw_table_comments(database, schema) -%}
    {{ exceptions.raise_compiler_error('raw_table_comments is implemented for duckdb, postgres and spark, not ' ~ target.type) }}
{%- endmacro %}

{% macro duckdb__raw_table_comments(database, schema) -%}
    {%- set query -%}
        select table_name, comment
        from duckdb_tables()
        where database_name = '{{ database }}' and schema_name = '{{ schema }}'
        union all
        select view_name, comment
        from duckdb_views()
        where database_name = '{{ database }}' and schema_name = '{{ schema }}'
    {%- endset -%}
    {%- set comments = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- do comments.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(comments) }}
{%- endmacro %}

{% macro postgres__raw_table_comments(database, schema) -%}
    {%- set query -%}
        select class.relname, obj_description(class.oid, 'pg_class')
        from pg_catalog.pg_class as class
        inner join pg_catalog.pg_namespace as namespace on class.relnamespace = namespace.oid
        where namespace.nspname = '{{ schema }}' and class.relkind in ('r', 'p', 'v', 'm', 'f')
    {%- endset -%}
    {%- set comments = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- do comments.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(comments) }}
{%- endmacro %}


{#- Spark: a table's comment is a line `Comment: ...` of its extended description; one `show table extended`
    for the whole schema (a table dropped meanwhile by a parallel seed is not described on its own). -#}
{% macro spark__raw_table_comments(database, schema) -%}
    {%- set comments = {} -%}
    {%- if not adapter.check_schema_exists(database, schema) -%}
        {{ return(comments) }}
    {%- endif -%}
    {%- for table in run_query("show table extended in " ~ schema ~ " like '*'").rows if not table[2] -%}
        {%- set comment = namespace(text=none) -%}
        {%- for line in (table[3] or '').split('\n') if line.startswith('Comment: ') -%}
            {%- set comment.text = line[9:] -%}
        {%- endfor -%}
        {%- do comments.update({table[1]: comment.text}) -%}
    {%- endfor -%}
    {{ return(comments) }}
{%- endmacro %}


{#- demo_table_refusal(database, schema, name, comment): none when the table carries the demo's mark and still
    has the rows the demo wrote, else why it is not the demo's. -#}
{% macro demo_table_refusal(database, schema, name, comment) -%}
    {%- set mark = demo_data_mark() ~ ' rows=' -%}
    {%- set comment = comment or '' -%}
    {%- set where = schema ~ '.' ~ name -%}
    {%- if not comment.startswith(mark) -%}
        {{ return(where ~ ' holds data that is not the demo\'s ('
            ~ (('"' ~ comment ~ '"') if comment else 'no demo mark: created by another tool') ~ ')') }}
    {%- endif -%}
    {%- set relation = api.Relation.create(database=database, schema=schema, identifier=name) -%}
    {%- set rows = run_query('select count(*) from ' ~ relation).columns[0].values()[0] -%}
    {%- if (rows | int) != (comment[mark | length:] | int(-1)) -%}
        {{ return(where ~ ' has ' ~ rows ~ ' rows, not the ' ~ comment[mark | length:] ~ ' the demo wrote: its rows changed since') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}


{#- demo_schema_refusal(database, schema): none when every contract table in the schema is the demo's (or the
    schema has none), else why the demo may not write there. -#}
{% macro demo_schema_refusal(database, schema) -%}
    {%- set comments = raw_table_comments(database, schema) -%}
    {%- for table in raw_contract() if table.name in comments -%}
        {%- set refusal = demo_table_refusal(database, schema, table.name, comments[table.name]) -%}
        {%- if refusal %}{{ return(refusal) }}{% endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#- guard_demo_seeds(): on-run-start hook. With var load_demo_data, stops the invocation before any node runs
    when the source schema holds data that is not the demo's (the check is made once, before the seeds run in
    parallel). Without the var the demo seeds are disabled and this does nothing. -#}
{% macro guard_demo_seeds() -%}
    {%- if execute and var('load_demo_data', false) in [true, 'true', 'True', 1, '1'] -%}
        {%- set database = var('raw_database', env_var('KPI_RAW_DATABASE', '') or target.get('database')) -%}
        {%- set schema = var('raw_schema', env_var('KPI_RAW_SCHEMA', 'raw')) -%}
        {%- set refusal = demo_schema_refusal(database, schema) -%}
        {%- if refusal -%}
            {{ exceptions.raise_compiler_error('the demo data was not loaded: ' ~ refusal
                ~ '. The demo never replaces or mixes with your data: run without load_demo_data to build from '
                ~ 'your tables, or use another warehouse (KPI_DUCKDB_PATH) or source schema (KPI_RAW_SCHEMA) for '
                ~ 'the demo.') }}
        {%- endif -%}
    {%- endif -%}
    select 1 as demo_seed_guard
{%- endmacro %}


{#- demo_seed(builtin_seed): the demo's seed materialization around the engine's own (builtin_seed, a
    materialization macro); seeds other than the demo's run the engine's own unchanged. -#}
{% macro demo_seed(builtin_seed) %}
    {%- if not (config.get('meta') or {}).get('demo_data') -%}
        {{ return(builtin_seed()) }}
    {%- endif -%}
    {#- the schema was checked by the on-run-start hook; here the seed's own table, once more -#}
    {%- set existing = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- set refusal = none -%}
    {%- if existing is not none -%}
        {%- set refusal = demo_table_refusal(
            this.database, this.schema, this.identifier,
            raw_table_comments(this.database, this.schema).get(this.identifier)
        ) -%}
    {%- endif -%}
    {%- if refusal -%}
        {%- do exceptions.warn('demo seed ' ~ this.identifier ~ ' not loaded: ' ~ refusal) -%}
        {%- do store_result('agate_table', response='OK', agate_table=load_agate_table()) -%}
        {%- call noop_statement('main', 'SKIP (not the demo\'s table)', 'SKIP') -%}{%- endcall -%}
        {{ return({'relations': []}) }}
    {%- endif -%}
    {%- set result = builtin_seed() -%}
    {%- set rows = run_query('select count(*) from ' ~ this).columns[0].values()[0] -%}
    {%- call statement('demo_mark') -%}
        comment on table {{ this }} is '{{ demo_data_mark() }} rows={{ rows }}'
    {%- endcall -%}
    {{ adapter.commit() }}
    {{ return(result) }}
{% endmacro %}


{% materialization seed, default %}
    {{ return(demo_seed(dbt.materialization_seed_default)) }}
{% endmaterialization %}


{#- On Spark too: dbt-spark 1.11 has no seed materialization of its own (only spark__ helpers: reset_csv_table,
    load_csv_rows), so this default one applies there; a spark one calling dbt.materialization_seed_spark failed
    every seed ("'dict object' has no attribute 'materialization_seed_spark'"). -#}
