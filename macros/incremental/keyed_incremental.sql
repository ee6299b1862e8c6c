{#-
    Keyed incremental models on every engine (docs/spark.md, "Incremental models").

    The incremental models replace every row of the keys a run recomputes: delete+insert on unique_key on
    DuckDB and PostgreSQL. Spark's plain Parquet tables have no row-level delete, and dbt-spark offers
    append, insert_overwrite and microbatch on them (merge needs Delta, Iceberg or Hudi). So on Spark:
      - the table is partitioned by spark_key_bucket, a hash of the unique key in spark_key_buckets()
        buckets (one more column, on Spark only: the key decides its bucket, so a key never moves);
      - a refresh is insert_overwrite with dynamic partition overwrite: its query returns the recomputed rows
        and, for every bucket they fall in, the rows already held whose key was not recomputed, so each
        rewritten bucket is whole and the table ends as delete+insert would leave it.
    A refresh rewrites the buckets its keys touch (not the whole table, and without recomputing the rows it
    keeps). With Delta on a cluster, keyed_incremental_strategy() can return 'merge' instead (docs/spark.md).

    Usage, in an incremental model:
        {{ config(materialized='incremental', unique_key='lead_id',
                  incremental_strategy=keyed_incremental_strategy(),
                  partition_by=keyed_incremental_partition()) }}
        {% call keyed_incremental_rows('lead_id') %} ...the model's query... {% endcall %}
-#}

{#- spark_key_buckets(): how many buckets a Spark incremental table is partitioned into (var
    spark_key_buckets, default 16): a refresh rewrites the buckets its recomputed keys fall in. -#}
{% macro spark_key_buckets() -%}
    {{ return(var('spark_key_buckets', 16) | int) }}
{%- endmacro %}

{#- keyed_incremental_strategy(): delete+insert, or insert_overwrite on Spark. -#}
{% macro keyed_incremental_strategy() -%}
    {{ return('insert_overwrite' if target.type == 'spark' else 'delete+insert') }}
{%- endmacro %}

{#- keyed_incremental_partition(): the partition column of a keyed incremental table on Spark; none elsewhere. -#}
{% macro keyed_incremental_partition() -%}
    {{ return(['spark_key_bucket'] if target.type == 'spark' else none) }}
{%- endmacro %}

{#- keyed_incremental_rows(unique_key) (a call block around the model's query): the query as it is on DuckDB
    and PostgreSQL; on Spark, its rows with their spark_key_bucket and, in an incremental run, the rows held in
    the buckets they touch whose key they do not recompute. -#}
{% macro keyed_incremental_rows(unique_key) -%}
    {%- if target.type != 'spark' -%}
        {{ return(caller()) }}
    {%- endif -%}
with

keyed_rows as (

    select
        model_rows.*,
        cast(pmod(xxhash64({{ unique_key }}), {{ spark_key_buckets() }}) as int) as spark_key_bucket
    from (
        {{ caller() | indent(8) }}
    ) as model_rows

)

select * from keyed_rows
{#- a unit test has no table of its own (this is none, so is_incremental() cannot even be asked): its rows are the
    query's, what the refresh merges -#}
{%- if model.resource_type != 'unit_test' and this is not none and is_incremental() %}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}

union all

select
    {%- for column in columns %}
    held.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ this }} as held
where
    held.spark_key_bucket in (select keyed_rows.spark_key_bucket from keyed_rows)
    and not exists (
        select 1 from keyed_rows
        where keyed_rows.{{ unique_key }} = held.{{ unique_key }}
    )
{%- endif %}
{%- endmacro %}
