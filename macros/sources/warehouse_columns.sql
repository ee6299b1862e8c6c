{#- warehouse_columns(relation): the columns (api.Column) of a table or view as the warehouse describes them
    now, or [] when it does not exist. Asks the warehouse's catalogue directly instead of dbt's relation cache:
    a source schema is not one dbt builds into, so the cache does not hold it, and with several threads a lookup
    through adapter.get_relation could read a partly filled cache and miss a table the loader had just created
    ("table raw.billing_customers does not exist" on a first PostgreSQL run). -#}
{% macro warehouse_columns(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation)) }}
{%- endmacro %}
