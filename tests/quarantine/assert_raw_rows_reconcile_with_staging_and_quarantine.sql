{#-
    No row vanishes: for every raw table, raw rows = clean rows in its staging
    model + rows in quarantine.quarantined_rows. Returns the tables that do not add up.
    Raw rows are counted through the table's base_ model, a view of the raw
    table with no filter and no join: a test that refs a seed directly would be
    deselected by `kpi-pipeline run` (it builds with --exclude resource_type:seed).
-#}
{%- set tables = raw_contract() %}

with

counts as (
    {% for table in tables %}
        select
            '{{ table.name }}' as raw_table,
            (select count(*) from {{ ref('base_' ~ table.staging_model[4:]) }}) as raw_rows,
            (select count(*) from {{ ref(table.staging_model) }}) as clean_rows,
            (
                select count(*) from {{ ref('quarantined_rows') }}
                where raw_table = '{{ table.name }}'
            ) as quarantined_rows
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from counts
where raw_rows <> clean_rows + quarantined_rows
