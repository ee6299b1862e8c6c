{#-
    Every value a customer breakdown can take (kpi_mrr, kpi_customer_retention), so a segment or channel
    without customers in a month still has its rows (with 0): the total, every customer segment and every
    channel of the taxonomy but 'unattributed'. The marts add the values only their customers carry ('unknown',
    a channel outside the taxonomy).
-#}
{{ config(enabled=kpi_areas_enabled('billing')) }}
with

final as (

    select
        'total' as dimension_type,
        'all' as dimension_value
    union distinct
    select
        'segment' as dimension_type,
        segment as dimension_value
    from {{ ref('fct_customers') }}
    where segment is not null
    union distinct
    select
        'channel' as dimension_type,
        channel_id as dimension_value
    from {{ ref('dim_channels') }}
    where channel_id != 'unattributed'

)

select * from final
