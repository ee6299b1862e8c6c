{#-
    Reading a vendor's synced tables (Fivetran, Airbyte, Stitch: the vendor's own table and column names) in the
    adapters' mapping models (models/staging/<vendor>/).

    Loaders sync what the vendor account has: a Salesforce org without multi-currency has no CurrencyIsoCode
    column, custom fields (MQL_Date__c -> mql_date_c) exist in some orgs only, and optional objects (LeadHistory,
    CampaignMember, DatedConversionRate, HubSpot's form submissions) are only there when they are enabled and
    selected. So a mapping model asks, when it executes, which tables and columns the warehouse has:
      - vendor_table(source_name, table_name, columns): the import CTE of one vendor table. `columns` is a list of
        column names, each optionally followed by ':<type>' for the value used when the column does not exist
        (default text) and by '>alias' to rename it, e.g. ['id', 'is_deleted:boolean', 'date:date>stat_date'].
        Source columns are quoted (vendor names such as date, timestamp, value, type are keywords). A column the
        table lacks is a typed null; a table the warehouse lacks gives no rows (and a log line), so an optional
        object that is not synced leaves its contribution empty instead of failing the build. The table is always
        recorded with source(), so dbt's lineage shows the vendor path.
      - vendor_has_column(source_name, table_name, column): whether the warehouse table has the column (true
        while parsing and in unit tests, where nothing is introspected).
    Column names are compared lower-cased (what Fivetran writes on DuckDB and PostgreSQL).
-#}

{#- vendor_table_info(source_name, table_name): {'relation', 'exists', 'columns' (lower names, or none when not
    introspected)}. -#}
{% macro vendor_table_info(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set info = {'relation': relation, 'exists': true, 'columns': none} -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(info) }}
    {%- endif -%}
    {#- the warehouse's catalogue, not dbt's relation cache (warehouse_columns, macros/sources/) -#}
    {%- set found_columns = warehouse_columns(relation) -%}
    {%- if not found_columns -%}
        {%- do info.update({'exists': false, 'columns': []}) -%}
        {{ return(info) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in found_columns -%}
        {%- do columns.append(column.name | lower) -%}
    {%- endfor -%}
    {%- do info.update({'columns': columns}) -%}
    {{ return(info) }}
{%- endmacro %}


{% macro vendor_has_column(source_name, table_name, column) -%}
    {%- set info = vendor_table_info(source_name, table_name) -%}
    {{ return(info.columns is none or (column | lower) in info.columns) }}
{%- endmacro %}


{% macro vendor_has_table(source_name, table_name) -%}
    {{ return(vendor_table_info(source_name, table_name).exists) }}
{%- endmacro %}


{#- vendor_null_type(type_name): the SQL type of a missing column's null. -#}
{% macro vendor_null_type(type_name) -%}
    {%- set types = {
        'text': dbt.type_string(),
        'boolean': dbt.type_boolean(),
        'timestamp': dbt.type_timestamp(),
        'date': 'date',
        'numeric': dbt.type_numeric(),
        'bigint': dbt.type_bigint(),
        'double': dbt.type_float(),
    } -%}
    {%- if type_name not in types -%}
        {{ exceptions.raise_compiler_error('vendor_table: unknown column type ' ~ type_name) }}
    {%- endif -%}
    {{ return(types[type_name]) }}
{%- endmacro %}


{% macro vendor_table(source_name, table_name, columns) -%}
    {%- set info = vendor_table_info(source_name, table_name) -%}
    {%- set specs = [] -%}
    {%- for item in columns -%}
        {%- set alias_parts = item.split('>') -%}
        {%- set parts = alias_parts[0].split(':') -%}
        {%- do specs.append({
            'name': parts[0],
            'type': parts[1] if parts | length > 1 else 'text',
            'alias': alias_parts[1] if alias_parts | length > 1 else parts[0],
        }) -%}
    {%- endfor -%}
    {%- if not info.exists -%}
        {{ log('adapter: ' ~ info.relation ~ ' (' ~ source_name ~ '.' ~ table_name ~ ') does not exist; '
               ~ model.name ~ ' reads no rows from it (docs/adapters.md)', info=true) }}
    {%- endif %}
    select
        {%- for spec in specs %}
            {%- if info.exists and (info.columns is none or spec.name | lower in info.columns) %}
        {{ adapter.quote(spec.name) }} as {{ spec.alias }}{{ ',' if not loop.last }}
            {%- else %}
        cast(null as {{ vendor_null_type(spec.type) }}) as {{ spec.alias }}{{ ',' if not loop.last }}
            {%- endif %}
        {%- endfor %}
    {%- if info.exists %}
    from {{ info.relation }}
    {%- else %}
    from (select 1 as no_rows) as missing_table
    where 1 = 0
    {%- endif %}
{%- endmacro %}


{#- vendor_deleted_records(vendor, table_names, vendor_label): a select of the records of the listed vendor
    tables that the vendor or the loader marks deleted (is_deleted, _fivetran_deleted), as (vendor_table,
    record_id, reason), for an adapter's excluded-records model. Each table is read from its staging model
    (stg_<vendor>__<table>, which keeps the deletion flags as columns; a table the warehouse lacks: no rows). -#}
{% macro vendor_deleted_records(vendor, table_names, vendor_label) -%}
    {%- for table_name in table_names %}
    select
        '{{ table_name }}' as vendor_table,
        {{ vendor_text('deleted_' ~ table_name ~ '.id') }} as record_id,
        case
            when {{ vendor_is_true('deleted_' ~ table_name ~ '.is_deleted') }}
                then 'deleted in {{ vendor_label }} (is_deleted)'
            else 'deleted in {{ vendor_label }} (_fivetran_deleted)'
        end as reason
    from {{ ref('stg_' ~ vendor ~ '__' ~ table_name) }} as deleted_{{ table_name }}
    where
        {{ vendor_is_true('deleted_' ~ table_name ~ '.is_deleted') }}
        or {{ vendor_is_true('deleted_' ~ table_name ~ '._fivetran_deleted') }}
        {%- if not loop.last %}

    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
