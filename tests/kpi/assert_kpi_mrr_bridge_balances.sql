-- kpi_mrr: starting + new + expansion - contraction - churned + reactivation
-- + fx effect = ending, on every row (see doc rev_kpi_mrr)
select
    period_month,
    dimension_type,
    dimension_value,
    starting_mrr,
    ending_mrr
from {{ ref('kpi_mrr') }}
where
    abs(
        starting_mrr + new_mrr + expansion_mrr - contraction_mrr - churned_mrr
        + reactivation_mrr + fx_effect_mrr - ending_mrr
    ) > 0.001
