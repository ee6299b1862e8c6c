{#-
    Currency conversion to the reporting currency (var reporting_currency),
    with int_fx_rates_daily: one rate per (rate_date, currency), forward-filled
    from the latest earlier quote.

    reporting_currency(): the reporting currency as a quoted SQL literal.

    join_fx_rate(fx_alias, currency_column, date_column): a left join of
    int_fx_rates_daily on the transaction's currency and date. Left join on
    purpose: a currency without any rate keeps its row, and the converted
    amount comes out NULL so the not_null test on the fact reports it.

    to_reporting_currency(amount, currency_column, fx_alias): the amount in
    the reporting currency, numeric(20, 6). An amount already in the reporting
    currency is kept as is (also on days before the first FX quote); any other
    currency is amount x rate_to_reporting, NULL when there is no rate.
-#}
{% macro reporting_currency() -%}
    '{{ checked_currency_var("reporting_currency", "USD") }}'
{%- endmacro %}


{#- fx_pivot_currency(): var fx_pivot_currency (default USD) as a quoted SQL literal. -#}
{% macro fx_pivot_currency() -%}
    '{{ checked_currency_var("fx_pivot_currency", "USD") }}'
{%- endmacro %}


{% macro join_fx_rate(fx_alias, currency_column, date_column) -%}
    left join {{ ref('int_fx_rates_daily') }} as {{ fx_alias }}
        on
            {{ currency_column }} = {{ fx_alias }}.currency
            and {{ date_column }} = {{ fx_alias }}.rate_date
{%- endmacro %}


{% macro to_reporting_currency(amount, currency_column, fx_alias) -%}
    cast(
        case
            when {{ currency_column }} = {{ reporting_currency() }} then {{ amount }}
            else cast({{ amount }} as numeric(38, 8)) * {{ fx_alias }}.rate_to_reporting
        end
        as numeric(20, 6)
    )
{%- endmacro %}
