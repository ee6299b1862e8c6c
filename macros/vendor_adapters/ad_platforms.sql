{#- facebook_creative_utm(parameter): a utm parameter of a Meta creative (columns of creative_history): its
    url_tags (Fivetran's JSON array of {key, value}, or a query string), else the query string of its link
    (object_story_link_data_link), page_link or template_page_link. Lower-cased; null when none has it. -#}
{% macro facebook_creative_utm(parameter) -%}
    coalesce(
        {{ json_url_tag('url_tags', parameter) }},
        {{ url_parameter('url_tags', parameter) }},
        {{ url_parameter('object_story_link_data_link', parameter) }},
        {{ url_parameter('page_link', parameter) }},
        {{ url_parameter('template_page_link', parameter) }}
    )
{%- endmacro %}


{#- linkedin_creative_utm(parameter): a utm parameter of a LinkedIn creative's landing page: click_uri (text ads
    and the older API), else text_ad_landing_page, else spotlight_landing_page. -#}
{% macro linkedin_creative_utm(parameter) -%}
    coalesce(
        {{ url_parameter('click_uri', parameter) }},
        {{ url_parameter('text_ad_landing_page', parameter) }},
        {{ url_parameter('spotlight_landing_page', parameter) }}
    )
{%- endmacro %}
