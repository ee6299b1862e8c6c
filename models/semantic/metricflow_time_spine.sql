{#-
    The MetricFlow time spine: one row per day of dim_date (first month with
    data to the as-of date), with the fiscal periods as dates MetricFlow can
    group on (custom granularities metric_time__fiscal_quarter and
    metric_time__fiscal_year, configured in _semantic__models.yml).
-#}
{{ config(enabled=kpi_areas_enabled('semantic_layer')) }}
with

dates as (

    select
        date_day,
        month_start,
        fiscal_year,
        fiscal_quarter,
        fiscal_month_of_year
    from {{ ref('dim_date') }}

),

final as (

    select
        date_day,
        -- first day of the fiscal quarter / fiscal year the day is in
        cast({{ dbt.dateadd('month', '-1 * mod(fiscal_month_of_year - 1, 3)', 'month_start') }} as date)
            as fiscal_quarter_start,
        cast({{ dbt.dateadd('month', '-1 * (fiscal_month_of_year - 1)', 'month_start') }} as date)
            as fiscal_year_start,
        fiscal_year,
        fiscal_quarter
    from dates

)

select * from final
