{#-
    Cross-table rule no_fx_rate: the first day each currency has a rate to the reporting currency, computed from
    the clean FX rates the same way int_fx_rates_daily converts. Read by the verdict CTEs (verdict_ctes.sql)
    and contract_conformed_rows (contract_verdicts.sql).
-#}

{#- contract_fx_ctes(staged=false): the first day each currency converts to the reporting currency, directly
    (a quote either way) or through var fx_pivot_currency, as int_fx_rates_daily converts; from the clean FX
    rates: the rows of base_finance__fx_rates that break no rule, or (staged) stg_finance__fx_rates. -#}
{% macro contract_fx_ctes(staged=false) -%}
    {%- set pivot = fx_pivot_currency() %}
contract_fx_rates as (

    {%- if staged %}
    select
        rate_date,
        from_currency,
        to_currency,
        rate
    from {{ ref('stg_finance__fx_rates') }}
    {%- else %}
    select
        typed__rate_date as rate_date,
        typed__from_currency as from_currency,
        typed__to_currency as to_currency,
        typed__rate as rate
    from {{ ref('base_finance__fx_rates') }}
    where dq_rule is null
    {%- endif %}

),

contract_fx_quotes as (

    select
        rate_date,
        from_currency as currency,
        to_currency as anchor_currency
    from contract_fx_rates
    where rate > 0 and from_currency <> to_currency

    union all

    select
        rate_date,
        to_currency as currency,
        from_currency as anchor_currency
    from contract_fx_rates
    where rate > 0 and from_currency <> to_currency

),

contract_fx_anchor_starts as (

    select
        currency,
        anchor_currency,
        min(rate_date) as first_rate_date
    from contract_fx_quotes
    where anchor_currency in ({{ reporting_currency() }}, {{ pivot }})
    group by currency, anchor_currency

),

contract_fx_paths as (

    select
        currency,
        first_rate_date
    from contract_fx_anchor_starts
    where anchor_currency = {{ reporting_currency() }}

    union all

    select
        currency_to_pivot.currency,
        greatest(currency_to_pivot.first_rate_date, reporting_to_pivot.first_rate_date) as first_rate_date
    from contract_fx_anchor_starts as currency_to_pivot
    inner join contract_fx_anchor_starts as reporting_to_pivot
        on
            reporting_to_pivot.currency = {{ reporting_currency() }}
            and reporting_to_pivot.anchor_currency = {{ pivot }}
    where currency_to_pivot.anchor_currency = {{ pivot }}

),

contract_fx_starts as (

    select
        currency,
        min(first_rate_date) as first_rate_date
    from contract_fx_paths
    group by currency

),
{%- endmacro %}
