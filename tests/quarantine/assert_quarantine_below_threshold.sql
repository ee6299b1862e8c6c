{#-
    Fails for every raw table whose rejected share (quarantined rows, minus the
    rows held back as dated after an explicit as-of date) is above var
    quarantine_threshold (default 0.01 = 1 %). It depends on every staging
    model, so in `dbt build` a failure skips everything downstream of staging:
    the marts keep their last good state instead of being rebuilt from a table
    that lost more rows than allowed.
-#}
{%- for table in raw_contract() %}
-- depends_on: {{ ref(table.staging_model) }}
{%- endfor %}

select
    raw_table,
    raw_rows,
    rejected_rows,
    rejected_share,
    quarantine_threshold
from {{ ref('quarantine_summary') }}
where is_above_threshold
