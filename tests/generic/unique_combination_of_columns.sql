{#-
    unique_combination_of_columns(combination_of_columns): fails for every
    combination of the listed columns that occurs more than once. The test for
    composite primary keys (written here, as dbt_utils cannot be installed).
        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [rep_id, valid_from]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    {%- set columns_csv = combination_of_columns | join(', ') %}

    with

    duplicates as (

        select
            {{ columns_csv }},
            count(*) as n_records
        from {{ model }}
        group by {{ columns_csv }}
        having count(*) > 1

    )

    select * from duplicates

{% endtest %}
