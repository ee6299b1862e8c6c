{#-
    One row per raw table: raw rows, clean rows (in staging), quarantined rows
    (rejected + held back), the rejected share and whether it is above var
    quarantine_threshold (which fails the run).
-#}
{%- set tables = raw_contract() %}

with

raw_counts as (
    {% for table in tables %}
        select
            '{{ table.name }}' as raw_table,
            count(*) as raw_rows
        from {{ ref('chk_' ~ table.name) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

quarantine_counts as (

    select
        raw_table,
        count(*) as quarantined_rows,
        sum(case when counts_toward_threshold then 1 else 0 end) as rejected_rows,
        sum(case when counts_toward_threshold then 0 else 1 end) as held_back_rows
    from {{ ref('quarantined_rows') }}
    group by raw_table

),

final as (

    select
        raw_counts.raw_table,
        raw_counts.raw_rows,
        raw_counts.raw_rows - coalesce(quarantine_counts.quarantined_rows, 0) as clean_rows,
        coalesce(quarantine_counts.quarantined_rows, 0) as quarantined_rows,
        coalesce(quarantine_counts.rejected_rows, 0) as rejected_rows,
        coalesce(quarantine_counts.held_back_rows, 0) as held_back_rows,
        {{ safe_divide('coalesce(quarantine_counts.rejected_rows, 0)', 'raw_counts.raw_rows') }} as rejected_share,
        cast({{ var('quarantine_threshold', 0.01) }} as {{ dbt.type_numeric() }}) as quarantine_threshold,
        coalesce(
            {{ safe_divide('coalesce(quarantine_counts.rejected_rows, 0)', 'raw_counts.raw_rows') }}
            > cast({{ var('quarantine_threshold', 0.01) }} as {{ dbt.type_numeric() }}),
            false
        ) as is_above_threshold
    from raw_counts
    left join quarantine_counts
        on raw_counts.raw_table = quarantine_counts.raw_table

)

select * from final
