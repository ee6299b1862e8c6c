{#-
    Channel and campaign of a lead or touchpoint from its utm tags, shared by
    int_leads_sourced and int_touchpoints_sourced so both resolve the same way.

    join_utm_channel_map(utm_alias): the two left joins on
    stg_reference__utm_channel_map: the exact (utm_source, utm_medium) pair,
    and the wildcard row (utm_source '*') for the medium. A missing medium is
    looked up as '(none)', the map's value for "no utm medium".

    utm_channel_id(utm_alias): the channel: 'direct' when there is no utm at
    all (source and medium both empty); else the exact pair, else the
    wildcard for the medium; else 'unmapped' (the row is kept and visible).
    The map's own '(direct)' / '(none)' rows map explicit no-utm values.
-#}
{% macro join_utm_channel_map(utm_alias) -%}
    left join {{ ref('stg_reference__utm_channel_map') }} as exact_channel_map
        on
            {{ utm_alias }}.utm_source = exact_channel_map.utm_source
            and coalesce({{ utm_alias }}.utm_medium, '(none)') = exact_channel_map.utm_medium
    left join {{ ref('stg_reference__utm_channel_map') }} as wildcard_channel_map
        on
            wildcard_channel_map.utm_source = '*'
            and coalesce({{ utm_alias }}.utm_medium, '(none)') = wildcard_channel_map.utm_medium
{%- endmacro %}


{% macro utm_channel_id(utm_alias) -%}
    case
        when {{ utm_alias }}.utm_source is null and {{ utm_alias }}.utm_medium is null then 'direct'
        else coalesce(exact_channel_map.channel_id, wildcard_channel_map.channel_id, 'unmapped')
    end
{%- endmacro %}
