-- Every conversion has credit in every attribution model (the unattributed bucket included).
with

conversions as (

    select conversion_key from {{ ref('int_attribution_conversions') }}

),

attribution_models as (

    {%- for model_name in attribution_models() %}
        select '{{ model_name }}' as attribution_model
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

credited as (

    select distinct
        conversion_key,
        attribution_model
    from {{ ref('fct_attribution_credit') }}

),

missing as (

    select
        conversions.conversion_key,
        attribution_models.attribution_model
    from conversions
    cross join attribution_models
    left join credited
        on
            conversions.conversion_key = credited.conversion_key
            and attribution_models.attribution_model = credited.attribution_model
    where credited.conversion_key is null

)

select * from missing
