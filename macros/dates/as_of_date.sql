{#-
    as_of_date(): the project's "today", as a SQL expression of type date.

    Every model that needs "now" (open pipeline, active customers, freshness,
    lookback windows) uses this instead of current_date / now(), so the same
    data and vars always give the same results. The value is computed once, in
    the one-row model int_as_of_date:
      - var as_of_date when set (--vars '{as_of_date: 2026-06-30}');
      - otherwise the latest date present in the activity data (leads,
        touchpoints, spend, lead status and opportunity stage changes).
    The expression is a scalar subquery, usable in select lists and filters:
        where created_date <= {{ as_of_date() }}
-#}
{% macro as_of_date() -%}
    (select as_of_date from {{ ref('int_as_of_date') }})
{%- endmacro %}
