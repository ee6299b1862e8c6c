{#-
    The adapters' first layer (docs/adapters.md, "Two layers"): one staging model per synced vendor table
    (models/staging/<vendor>/stg_<vendor>__<vendor table>), the only reader of that source. It renames and casts
    the columns (through the vendor_* value macros, so a native or a text column gives the same value and a column
    the warehouse lacks is a typed null: vendor_table) and keeps the latest version of each record. It maps nothing
    onto the contract: that is the int_<vendor>__<contract table> models' job
    (models/intermediate/vendor_adapters/<vendor>/).
-#}

{#- vendor_staging(source_name, table_name, columns, fields, key=none, version_by=none, metrics=[]):
    the select of a staging model over one vendor table.
      - columns: the table's columns as vendor_table reads them ('<name>[:<type>][><alias>]');
      - fields: a dict, output column -> SQL expression over those columns (e.g. vendor_text('id')), in output
        order;
      - key: a list of output columns that identify a record; with version_by (a timestamp column of `columns`),
        only the latest version of each record is kept (row_number over the key, newest version_by first; ties
        in no set order);
      - metrics: report columns of `columns` added after `fields` as a number and as synced text
        (vendor_number_fields). -#}
{% macro vendor_staging(source_name, table_name, columns, fields, key=none, version_by=none, metrics=[]) -%}
{%- do fields.update(vendor_number_fields(metrics)) -%}
with

synced as (

    {{ vendor_table(source_name, table_name, columns) | indent(4) }}

),

renamed as (

    select
        {%- for name, expression in fields.items() %}
        {{ expression }} as {{ name }}{{ ',' if not loop.last or key }}
        {%- endfor %}
        {%- if key %}
        row_number() over (
            partition by {% for name in key %}{{ fields[name] }}{{ ', ' if not loop.last }}{% endfor %}
            order by {{ vendor_timestamp(version_by) }} desc
        ) as version_rank
        {%- endif %}
    from synced

)

select
    {%- for name in fields %}
    {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
from renamed
{%- if key %}
where version_rank = 1
{%- endif %}
{%- endmacro %}


{#- vendor_number_fields(columns): staging fields for report metrics: for each column, the number
    (vendor_decimal, null when it does not parse) and, as <column>_raw, the value as synced (text), which
    checked_segment_sum needs to report an unparseable value. -#}
{% macro vendor_number_fields(columns) -%}
    {%- set fields = {} -%}
    {%- for column in columns -%}
        {%- do fields.update({column: vendor_decimal(column), column ~ '_raw': vendor_text(column)}) -%}
    {%- endfor -%}
    {{ return(fields) }}
{%- endmacro %}


{#- vendor_record_staging(source_name, table_name, columns, fields={}): the select of a CRM staging model (one
    row per synced row; Salesforce and HubSpot sync one row per record): each column of `columns` (as
    vendor_table reads them, '<name>[:<type>][><alias>]') under its alias, cast by its declared type through the
    vendor_* value macros: text -> vendor_text, boolean -> vendor_bool, timestamp -> vendor_timestamp (UTC), date
    -> a date, double / numeric / bigint -> vendor_decimal. The deletion flags (is_deleted, _fivetran_deleted,
    _fivetran_active) are columns like any other: the mapping models leave the deleted rows out and the
    excluded-records model lists them. `fields` adds output columns (name -> SQL expression) after them. -#}
{% macro vendor_record_staging(source_name, table_name, columns, fields={}) -%}
    {%- set casts = {
        'text': vendor_text, 'boolean': vendor_bool, 'timestamp': vendor_timestamp, 'double': vendor_decimal,
        'numeric': vendor_decimal, 'bigint': vendor_decimal,
    } -%}
    {%- set typed = {} -%}
    {%- for item in columns -%}
        {%- set alias_parts = item.split('>') -%}
        {%- set parts = alias_parts[0].split(':') -%}
        {%- set type_name = parts[1] if parts | length > 1 else 'text' -%}
        {%- set alias = alias_parts[1] if alias_parts | length > 1 else parts[0] -%}
        {%- if type_name == 'date' -%}
            {%- do typed.update({alias: 'cast(' ~ vendor_timestamp(alias) ~ ' as date)'}) -%}
        {%- else -%}
            {%- do typed.update({alias: casts[type_name](alias)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do typed.update(fields) -%}
    {{ return(vendor_staging(source_name, table_name, columns, typed)) }}
{%- endmacro %}
