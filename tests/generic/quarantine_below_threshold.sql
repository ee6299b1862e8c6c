{#-
    quarantine_below_threshold(raw_table): the gate of a staging model. Fails
    (one row naming the table, its counts and rules) when the share of the
    table's raw rows that are rejected (quarantined for any rule but the
    held-back ones: rows dated after an explicit as-of date, and rows that
    reference them) is above var quarantine_threshold (default 0.01 = 1 %).

    Attached to the staging model of the table, it depends on the staging model
    and on the base models its verdicts read, all of which are ancestors of
    every model downstream of the staging model: so in `dbt build` a failure
    skips everything downstream of that table (dbt holds back a node when all
    of a failing test's parents are its ancestors), and those marts keep their
    last good state instead of being rebuilt from a table that lost more rows
    than allowed. Marts that do not read the table are built.
        data_tests:
          - quarantine_below_threshold:
              arguments:
                raw_table: crm_opportunities
-#}
{% test quarantine_below_threshold(model, raw_table) %}

    {%- set held_back = "'" ~ quarantine_held_back_rules() | join("', '") ~ "'" %}

    -- the staging model under test: {{ model }}
    with
    {{ contract_verdict_ctes([raw_table]) }}

    rejected as (

        select
            dq_rule,
            dq_column,
            count(*) as n_rows,
            min(dq_row_key || ': ' || dq_message) as example
        from verdict__{{ raw_table }}
        where dq_rule is not null and dq_rule not in ({{ held_back }})
        group by dq_rule, dq_column

    ),

    totals as (

        select
            count(*) as raw_rows,
            coalesce(sum(case when dq_rule is not null and dq_rule not in ({{ held_back }}) then 1 else 0 end), 0)
                as rejected_rows
        from verdict__{{ raw_table }}

    ),

    checked as (

        select
            '{{ raw_table }}' as raw_table,
            totals.raw_rows,
            totals.rejected_rows,
            {{ safe_divide('totals.rejected_rows', 'totals.raw_rows') }} as rejected_share,
            cast({{ quarantine_threshold() }} as {{ dbt.type_numeric() }}) as quarantine_threshold,
            (
                select {{ dbt.listagg(
                    "rejected.dq_rule || ' (' || rejected.dq_column || ') ' || cast(rejected.n_rows as " ~ dbt.type_string() ~ ")",
                    "', '",
                    "order by rejected.n_rows desc, rejected.dq_rule"
                ) }}
                from rejected
            ) as rules,
            (select min(rejected.example) from rejected) as example
        from totals

    )

    select * from checked
    where rejected_share > quarantine_threshold

{% endtest %}
