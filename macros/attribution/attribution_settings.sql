{#-
    Settings shared by the attribution models, marts and tests, so the list of
    models and the validated vars live in one place.

    attribution_models(): the six attribution model names, in display order.
    fct_attribution_credit unpivots one weight column per name
    (weight_<name> in int_attribution_touch_weights).

    attribution_lookback_days(): var attribution_lookback_days (default 90) as
    a positive integer; a touch is eligible when
    conversion_at - lookback < touched_at <= conversion_at.

    attribution_half_life_days(): var attribution_half_life_days (default 7)
    as a positive number: the time-decay weight halves every half-life.

    attribution_default_model(): var attribution_default_model (default
    position_based), the model the scorecard shows; must be one of the six.

    attribution_weight(expression): a weight as numeric(18, 12). Weights are
    computed in double precision and rounded to 12 decimals, so they compare
    exactly in unit tests and sum to 1 within 1e-9 for any realistic number of
    touches per conversion.
-#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'w_shaped']) }}
{%- endmacro %}


{% macro attribution_lookback_days() -%}
    {%- set lookback_days = var('attribution_lookback_days', 90) | int -%}
    {%- if lookback_days <= 0 -%}
        {{ exceptions.raise_compiler_error('var attribution_lookback_days must be a positive number of days, got ' ~ var('attribution_lookback_days')) }}
    {%- endif -%}
    {{ return(lookback_days) }}
{%- endmacro %}


{% macro attribution_half_life_days() -%}
    {%- set half_life_days = var('attribution_half_life_days', 7) | float -%}
    {%- if half_life_days <= 0 -%}
        {{ exceptions.raise_compiler_error('var attribution_half_life_days must be a positive number of days, got ' ~ var('attribution_half_life_days')) }}
    {%- endif -%}
    {{ return(half_life_days) }}
{%- endmacro %}


{% macro attribution_default_model() -%}
    {%- set default_model = var('attribution_default_model', 'position_based') -%}
    {%- if default_model not in attribution_models() -%}
        {{ exceptions.raise_compiler_error('var attribution_default_model must be one of ' ~ attribution_models() | join(', ') ~ ', got ' ~ default_model) }}
    {%- endif -%}
    {{ return(default_model) }}
{%- endmacro %}


{% macro attribution_weight(expression) -%}
    cast({{ expression }} as numeric(18, 12))
{%- endmacro %}


{#-
    attribution_ratio(numerator, denominator): numerator / denominator in
    double precision, NULL when the denominator is 0 or NULL (the spec's
    zero-denominator rule, like safe_divide). Differs from safe_divide in
    two ways the attribution ratios need: no cast to dbt.type_numeric()
    (numeric(28, 6)), which would round fractional attributed counts (e.g.
    0.066666666667 of a customer) to 6 decimals and move a channel CAC by up
    to ~1e-5 relative; and the same type on every adapter (safe_divide gives
    double on DuckDB but numeric on PostgreSQL).
-#}
{% macro attribution_ratio(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif(cast({{ denominator }} as {{ type_double() }}), 0))
{%- endmacro %}
