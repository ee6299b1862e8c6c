{#-
    accepted_range(column_name, min_value=none, max_value=none, inclusive=true):
    fails for every non-null value outside the range. For contract rules such as
    "spend_amount >= 0" and "rate > 0".
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

    {%- set op_min = '>=' if inclusive else '>' %}
    {%- set op_max = '<=' if inclusive else '<' %}

    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and not (
            1 = 1
            {%- if min_value is not none %}
                and {{ column_name }} {{ op_min }} {{ min_value }}
            {%- endif %}
            {%- if max_value is not none %}
                and {{ column_name }} {{ op_max }} {{ max_value }}
            {%- endif %}
        )

{% endtest %}
