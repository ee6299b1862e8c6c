{#-
    Every value a deal breakdown can take (kpi_revenue, kpi_win_rate), so a rep, team, segment or channel
    without a deal in a month still has its row (with 0): the total, every sales rep (dim_sales_reps' reps),
    every team a rep belonged to, every deal segment and every channel of the taxonomy but 'unattributed'. The marts add the
    values only their deals carry (an 'unknown' owner, a channel outside the taxonomy).
-#}
with

final as (

    select
        'total' as dimension_type,
        'all' as dimension_value
    union distinct
    select
        'rep' as dimension_type,
        rep_id as dimension_value
    from {{ ref('stg_crm__sales_reps') }}
    union distinct
    select
        'team' as dimension_type,
        team_id as dimension_value
    from {{ ref('int_rep_team_history') }}
    union distinct
    select
        'segment' as dimension_type,
        segment as dimension_value
    from {{ ref('fct_opportunities') }}
    where segment is not null
    union distinct
    select
        'channel' as dimension_type,
        channel_id as dimension_value
    from {{ ref('dim_channels') }}
    where channel_id != 'unattributed'

)

select * from final
