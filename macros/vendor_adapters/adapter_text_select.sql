{#- adapter_text_select(table, feeds): the raw rows of a contract table fed by vendor adapters (adapter_feeds):
    the union of its feeds, every contract column as text in contract order. A vendor mapping model already
    outputs exactly these columns as text; the contract's own table goes through contract_text_select (its
    native types cast to text as without adapters), required ('contract') or only when the warehouse has it
    ('contract_if_present'). -#}
{% macro adapter_text_select(table, feeds) -%}
    {%- for feed in feeds %}
        {%- if feed == 'contract' %}
    {{ contract_text_select(table) }}
        {%- elif feed == 'contract_if_present' %}
    {{ contract_text_select(table, 'empty') }}
        {%- else %}
    select
            {%- for column in table.columns %}
        cast({{ column.name }} as {{ dbt.type_string() }}) as {{ column.name }}{{ ',' if not loop.last }}
            {%- endfor %}
    from {{ ref(feed) }}
        {%- endif %}
        {%- if not loop.last %}

    union all
        {% endif %}
    {%- endfor %}
{%- endmacro %}
