-- The weights of one conversion sum to 1 (within 1e-9) in every attribution model.
with

credit as (

    select * from {{ ref('fct_attribution_credit') }}

),

weight_sums as (

    select
        conversion_key,
        attribution_model,
        sum(weight) as weight_sum
    from credit
    group by conversion_key, attribution_model

)

select * from weight_sums
where abs(weight_sum - 1) > 1e-9
