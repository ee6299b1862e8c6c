{#-
    One row per raw table: raw rows, clean rows (in staging), quarantined rows
    (rejected + held back), the rejected share and whether it is above var
    quarantine_threshold. Counted from the same verdicts as the staging models
    and quarantined_rows (contract_verdict_ctes), straight from the base
    models, so it is built even when a table above the threshold stops the
    build of everything downstream of its staging model.
-#}
{%- set tables = enabled_raw_contract() %}
{%- set held_back = "'" ~ quarantine_held_back_rules() | join("', '") ~ "'" %}

with
{{ contract_verdict_ctes(tables | map(attribute='name') | list) }}

counts as (
    {% for table in tables %}
        select
            '{{ table.name }}' as raw_table,
            count(*) as raw_rows,
            coalesce(sum(case when dq_rule is null then 1 else 0 end), 0) as clean_rows,
            coalesce(sum(case when dq_rule is not null then 1 else 0 end), 0) as quarantined_rows,
            coalesce(sum(case when dq_rule not in ({{ held_back }}) then 1 else 0 end), 0) as rejected_rows,
            coalesce(sum(case when dq_rule in ({{ held_back }}) then 1 else 0 end), 0) as held_back_rows
        from verdict__{{ table.name }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        raw_table,
        raw_rows,
        clean_rows,
        quarantined_rows,
        rejected_rows,
        held_back_rows,
        {{ safe_divide('rejected_rows', 'raw_rows') }} as rejected_share,
        cast({{ quarantine_threshold() }} as {{ dbt.type_numeric() }}) as quarantine_threshold,
        coalesce(
            {{ safe_divide('rejected_rows', 'raw_rows') }}
            > cast({{ quarantine_threshold() }} as {{ dbt.type_numeric() }}),
            false
        ) as is_above_threshold
    from counts

)

select * from final
