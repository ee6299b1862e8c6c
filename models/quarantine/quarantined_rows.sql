{#-
    Every quarantined raw row of every raw table, one long table for BI and
    on-call: which table, which row (primary key), which rule it broke, on
    which column, a message, and the raw row itself as JSON text. The verdicts
    are the staging models' (contract_verdict_ctes, macros/quarantine/): a row
    is here exactly when it is not in its staging model.
-#}
{%- set tables = enabled_raw_contract() %}

with
{{ contract_verdict_ctes(tables | map(attribute='name') | list) }}

unioned as (
    {% for table in tables %}
        select
            '{{ table.name }}' as raw_table,
            dq_row_key as row_key,
            dq_rule as rule_name,
            dq_column as column_name,
            dq_message as message,
            {{ raw_row_json(table.columns) }} as raw_row
        from verdict__{{ table.name }}
        where dq_rule is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        raw_table
        || ':'
        || cast(row_number() over (
            partition by raw_table
            order by row_key, rule_name, column_name, raw_row
        ) as {{ dbt.type_string() }}) as quarantined_row_id,
        raw_table,
        row_key,
        rule_name,
        column_name,
        message,
        raw_row,
        {%- set held_back = "'" ~ quarantine_held_back_rules() | join("', '") ~ "'" %}
        rule_name not in ({{ held_back }}) as counts_toward_threshold
    from unioned

)

select * from final
