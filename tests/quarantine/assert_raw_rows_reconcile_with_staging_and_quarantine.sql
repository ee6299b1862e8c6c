{#-
    No row vanishes: for every raw table, the rows of its source table = the
    rows that pass every rule (its clean model: the staging model, or
    int_<entity>_checked where a rule needs another source system) + rows in
    quarantine.quarantined_rows. Returns the
    tables that do not add up (an incremental base model that missed rows, a
    rule that drops rows instead of quarantining them). The source is counted
    as the base model reads it (raw_text_select: the user's table, or the
    project's reference seed when there is none).
-#}
{%- set tables = enabled_raw_contract() %}

with

counts as (
    {% for table in tables %}
        select
            '{{ table.name }}' as raw_table,
            (select count(*) from ({{ raw_text_select(table) }}) as source_rows) as raw_rows,
            (select count(*) from {{ ref(table.clean_model) }}) as clean_rows,
            (
                select count(*) from {{ ref('quarantined_rows') }}
                where raw_table = '{{ table.name }}'
            ) as quarantined_rows
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from counts
where raw_rows <> clean_rows + quarantined_rows
