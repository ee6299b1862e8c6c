-- kpi_customer_retention and kpi_mrr describe the same customers: the start
-- population and its MRR agree, GRR numerator = starting - contraction -
-- churned and NRR numerator = starting + expansion - contraction - churned
-- (see doc rev_kpi_customer_retention)
select
    retention.period_month,
    retention.dimension_type,
    retention.dimension_value
from {{ ref('kpi_customer_retention') }} as retention
full outer join {{ ref('kpi_mrr') }} as mrr
    on
        retention.period_month = mrr.period_month
        and retention.dimension_type = mrr.dimension_type
        and retention.dimension_value = mrr.dimension_value
where
    retention.period_month is null
    or mrr.period_month is null
    or retention.customers_at_start != mrr.customers_at_start
    or retention.customers_at_end != mrr.customers
    or abs(retention.mrr_at_start - mrr.starting_mrr) > 0.001
    or abs(retention.retained_mrr_capped - (mrr.starting_mrr - mrr.contraction_mrr - mrr.churned_mrr)) > 0.001
    or abs(
        retention.retained_mrr
        - (mrr.starting_mrr + mrr.expansion_mrr - mrr.contraction_mrr - mrr.churned_mrr)
    ) > 0.001
