{#-
    Reading a raw table of the contract from its dbt source (models/staging/<source>/_<source>__sources.yml).

    The source tables live in the user's warehouse (schema var raw_schema / env KPI_RAW_SCHEMA, default raw;
    database var raw_database / env KPI_RAW_DATABASE, default the target's), loaded by `kpi-pipeline run
    --data-dir`, by another tool, or filled with the demo seeds. Their columns may be text (a CSV export) or
    native types (dates as dates, amounts as numerics, booleans, timestamps): the base model casts each to text
    with raw_text() and the contract parses the text, so both give the same typed values and the same verdicts.
-#}

{#- Reference tables with a project default: when the source schema has no table of that name, the base model
    reads the project's seed (seeds/reference/); a source table of the user's wins. Without a KPI targets table
    the scorecard has no targets (an empty table). -#}
{% macro raw_source_fallbacks() -%}
    {{ return({'ref_channels': 'seed', 'ref_utm_channel_map': 'seed', 'ref_kpi_targets': 'empty'}) }}
{%- endmacro %}

{#- raw_source_relation(table, fallback=none): the relation a base model reads, and the source columns the
    warehouse has, as {'relation': ..., 'columns': {lower name: api.Column}, 'empty': bool}. While parsing it
    records the source (and the fallback seed) as dependencies; when the model executes it checks that the table
    exists and has every contract column, and raises a compilation error naming the source, the relation and what
    to do. `fallback` ('empty') overrides the table's own fallback (a vendor adapter's optional tables). -#}
{% macro raw_source_relation(table, fallback=none) -%}
    {%- set source_relation = source(table.source, table.name) -%}
    {%- set fallback = fallback or raw_source_fallbacks().get(table.name) -%}
    {%- set seed_relation = ref(table.name) if fallback == 'seed' else none -%}
    {%- set result = {'relation': source_relation, 'columns': {}, 'empty': false} -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(result) }}
    {%- endif -%}
    {#- only a command that runs the SQL needs the table (dbt compile, docs or a linter may run without it) -#}
    {%- set running = flags.WHICH in ('run', 'build', 'test', 'retry', 'seed', 'snapshot', 'show') -%}
    {#- the warehouse's catalogue, not dbt's relation cache (warehouse_columns, macros/sources/) -#}
    {%- set found_columns = warehouse_columns(source_relation) -%}
    {%- set existing = source_relation if found_columns else none -%}
    {%- if existing is none and fallback == 'seed' -%}
        {%- set found_columns = warehouse_columns(seed_relation) -%}
        {%- set existing = seed_relation if found_columns else none -%}
        {%- if existing is not none or not running -%}
            {%- do result.update({'relation': seed_relation}) -%}
        {%- endif -%}
        {%- if existing is none and not running %}{{ return(result) }}{% endif -%}
        {%- if existing is none -%}
            {{ exceptions.raise_compiler_error(
                'source ' ~ table.source ~ '.' ~ table.name ~ ': neither ' ~ source_relation ~ ' nor the project\'s '
                ~ 'reference seed ' ~ seed_relation ~ ' exists: run dbt seed --select path:seeds/reference (dbt build does)'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- if existing is none and not running and fallback != 'empty' -%}
        {{ return(result) }}
    {%- endif -%}
    {%- if existing is none and fallback == 'empty' -%}
        {{ log('source ' ~ table.source ~ '.' ~ table.name ~ ': ' ~ source_relation ~ ' does not exist; '
               ~ table.name ~ ' is empty', info=true) }}
        {%- do result.update({'empty': true}) -%}
        {{ return(result) }}
    {%- elif existing is none -%}
        {{ exceptions.raise_compiler_error(
            'source ' ~ table.source ~ '.' ~ table.name ~ ': the table ' ~ source_relation ~ ' does not exist. '
            ~ 'Load it (kpi-pipeline run --data-dir DIR), create it, or point var raw_schema / env KPI_RAW_SCHEMA '
            ~ '(and raw_database / KPI_RAW_DATABASE) at the schema that has it (docs/raw_data_contract.md).'
        ) }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for column in found_columns -%}
        {%- do columns.update({column.name | lower: column}) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for column in table.columns if column.name not in columns and not column.get('absent_ok') -%}
        {%- do missing.append(column.name) -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            'source ' ~ table.source ~ '.' ~ table.name ~ ' (' ~ result.relation ~ ') lacks the contract column(s) '
            ~ missing | join(', ') ~ ' (docs/raw_data_contract.md)'
        ) }}
    {%- endif -%}
    {%- do result.update({'columns': columns, 'checked': true}) -%}
    {{ return(result) }}
{%- endmacro %}


{#- raw_text_select(table): select every contract column of the table's source as text (raw_text), in
    contract order; other columns of the source are not read. With a vendor adapter selected (vars crm_source,
    ads_sources), the rows of the vendor mapping models instead, or with them (adapter_text_select,
    macros/vendor_adapters/); a unit test of a base model mocks the contract source, with or without adapters. -#}
{% macro raw_text_select(table) -%}
    {%- set feeds = adapter_feeds(table.name) -%}
    {%- if feeds is not none and model.resource_type != 'unit_test' -%}
        {{ return(adapter_text_select(table, feeds)) }}
    {%- endif -%}
    {{ return(contract_text_select(table)) }}
{%- endmacro %}


{#- contract_text_select(table, fallback=none): every contract column of the table's contract source as text. -#}
{% macro contract_text_select(table, fallback=none) -%}
    {%- set raw = raw_source_relation(table, fallback) -%}
    {%- if raw.empty %}
    select
        {%- for column in table.columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (select 1 as no_rows) as empty_source
    where 1 = 0
    {%- else %}
    select
        {%- for column in table.columns %}
            {%- if raw.get('checked') and column.name not in raw.columns %}
        -- {{ column.name }}: not in the source table (it may be absent): empty
        cast(null as {{ dbt.type_string() }}) as {{ column.name }}{{ ',' if not loop.last }}
            {%- else %}
        {{ raw_text(column, raw.columns.get(column.name)) }} as {{ column.name }}{{ ',' if not loop.last }}
            {%- endif %}
        {%- endfor %}
    from {{ raw.relation }}
    {%- endif %}
{%- endmacro %}
