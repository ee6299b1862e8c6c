with

channels as (

    select
        channel_id,
        channel_name,
        channel_group,
        is_paid,
        false as is_synthetic
    from {{ ref('stg_reference__channels') }}

),

-- buckets the facts and attribution use that are not marketing channels
synthetic_channels as (

    select
        'unmapped' as channel_id,
        'Unmapped utm' as channel_name,
        'unknown' as channel_group,
        false as is_paid,
        true as is_synthetic
    union all
    select
        'unattributed' as channel_id,
        'Unattributed' as channel_name,
        'unknown' as channel_group,
        false as is_paid,
        true as is_synthetic
    union all
    select
        'direct' as channel_id,
        'Direct' as channel_name,
        'earned' as channel_group,
        false as is_paid,
        true as is_synthetic

),

final as (

    select * from channels
    union all
    select * from synthetic_channels
    where channel_id not in (select channels.channel_id from channels)

)

select * from final
