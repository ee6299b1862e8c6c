{#-
    row_count_equals(expected): fails (one row) when the model does not have
    exactly `expected` rows.
-#}
{% test row_count_equals(model, expected) %}

    with

    row_count as (

        select count(*) as n_records from {{ model }}

    )

    select n_records from row_count
    where n_records != {{ expected }}

{% endtest %}
