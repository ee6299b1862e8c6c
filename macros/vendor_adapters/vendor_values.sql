{#-
    Values of a vendor's synced columns, in the adapters' mapping models. A loader writes native types (booleans,
    timestamps, numerics) or text; both go through text and the project's own null-safe parsers
    (macros/staging/casts.sql), so a value the parser does not understand is null here and the contract layer
    reports the row (unparseable or missing value), never a query error.
-#}

{#- vendor_text(expression): the value as text (what the contract's raw layer holds). -#}
{% macro vendor_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- vendor_timestamp(expression): a UTC timestamp (ISO text with or without offset, or a native value). -#}
{% macro vendor_timestamp(expression) -%}
    {{ to_utc_timestamp(vendor_text(expression)) }}
{%- endmacro %}

{#- vendor_bool(expression): a boolean (true/false, t/f, 1/0, yes/no, any case; a native boolean). -#}
{% macro vendor_bool(expression) -%}
    {{ to_boolean(vendor_text(expression)) }}
{%- endmacro %}

{#- vendor_is_true(expression): true only when the value is true (null and unparseable are false). -#}
{% macro vendor_is_true(expression) -%}
    coalesce({{ vendor_bool(expression) }}, false)
{%- endmacro %}

{#- vendor_decimal(expression): a number (numeric(38, 12)). -#}
{% macro vendor_decimal(expression) -%}
    {{ to_decimal(vendor_text(expression), 38, 12) }}
{%- endmacro %}

{#- vendor_timestamp_text(expression) / vendor_date_text(expression): a parsed value back as the contract's ISO
    text ('YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, 'YYYY-MM-DD'). -#}
{% macro vendor_timestamp_text(expression) -%}
    cast({{ vendor_timestamp(expression) }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro vendor_date_text(expression) -%}
    cast(cast({{ vendor_timestamp(expression) }} as date) as {{ dbt.type_string() }})
{%- endmacro %}

{#- vendor_number_text(expression): a number as plain decimal text (no exponent, no trailing zeros: 24000.5 ->
    '24000.5', 24000 -> '24000'), through numeric(38, 12). -#}
{% macro vendor_number_text(expression) -%}
    {{ decimal_text(vendor_decimal(expression)) }}
{%- endmacro %}

{#- decimal_text(expression): a numeric with a scale (digits after the point) as text without trailing zeros. -#}
{% macro decimal_text(expression) -%}
    rtrim(rtrim(cast({{ expression }} as {{ dbt.type_string() }}), '0'), '.')
{%- endmacro %}


{#- vendor_value_map(expression, mapping, else_expression='null'): a CASE that maps the text value (compared
    trimmed and lower-cased) through a dict of the vars (vendor value -> contract value; a null contract value
    maps to null). -#}
{% macro vendor_value_map(expression, mapping, else_expression='null') -%}
    case lower(trim({{ vendor_text(expression) }}))
        {%- for key, value in mapping.items() %}
        when {{ string_literal(key | lower) }} then {{ "null" if value is none else string_literal(value) }}
        {%- endfor %}
        else {{ else_expression }}
    end
{%- endmacro %}

{#- vendor_value_in(expression, values): the text value (trimmed, lower-cased) is one of `values`. -#}
{% macro vendor_value_in(expression, values) -%}
    {%- if values | length == 0 -%}
        false
    {%- else -%}
        lower(trim({{ vendor_text(expression) }})) in (
            {%- for value in values %}{{ string_literal(value | lower) }}{{ ', ' if not loop.last }}{% endfor -%}
        )
    {%- endif -%}
{%- endmacro %}


{#- vendor_slug(expression): lower-case text with every run of other characters than a-z and 0-9 replaced by
    '_' (a campaign name as a utm_campaign value), e.g. 'Search - Generic (EU)' -> 'search_generic_eu'. -#}
{% macro vendor_slug(expression) -%}
    trim(both '_' from regexp_replace(lower(trim({{ vendor_text(expression) }})), '[^a-z0-9]+', '_', 'g'))
{%- endmacro %}


{#- url_parameter(url, name): the value of query parameter `name` in a URL (or in a bare query string such as
    Meta's url_tags 'utm_source=facebook&utm_medium=paid_social'), lower-cased; null when absent or empty.
    Ignores what follows '#'; does not percent-decode. Loaders write a list of final URLs as
    "['https://...', ...]" or '[https://...]': brackets and quotes are removed and the first URL is read. -#}
{% macro url_parameter(url, name) -%}
    {%- set cleaned = "replace(replace(replace(replace(" ~ vendor_text(url) ~ ", '[', ''), ']', ''), '\"', ''), chr(39), '')" -%}
    {%- set first_url = dbt.split_part(cleaned, "','", 1) -%}
    {%- set without_fragment = dbt.split_part(first_url, "'#'", 1) -%}
    {%- set query = "case when " ~ without_fragment ~ " like '%?%' then " ~ dbt.split_part(without_fragment, "'?'", 2)
        ~ " else " ~ without_fragment ~ " end" -%}
    nullif(lower(trim({{ dbt.split_part(dbt.split_part("'&' || " ~ query, "'&" ~ name ~ "='", 2), "'&'", 1) }})), '')
{%- endmacro %}


{#- json_url_tag(json_text, key): the value of {"key": "<key>", "value": "..."} in a JSON array of url tags
    (Meta's creative url_tags as Fivetran writes them: key before value), lower-cased; null when absent. A regular
    expression, not a JSON parser, so text that is not JSON never fails the query (PostgreSQL 15 has no safe
    cast to jsonb) and both warehouses read it the same way. -#}
{% macro json_url_tag(json_text, key) -%}
    {{ return(adapter.dispatch('json_url_tag')(json_text, key)) }}
{%- endmacro %}

{% macro default__json_url_tag(json_text, key) -%}
    {{ exceptions.raise_compiler_error('json_url_tag is implemented for duckdb and postgres only, not ' ~ target.type) }}
{%- endmacro %}

{% macro duckdb__json_url_tag(json_text, key) -%}
    nullif(lower(trim(regexp_extract(
        {{ vendor_text(json_text) }}, '"key"\s*:\s*"{{ key }}"\s*,\s*"value"\s*:\s*"([^"]*)"', 1
    ))), '')
{%- endmacro %}

{% macro postgres__json_url_tag(json_text, key) -%}
    nullif(lower(trim((regexp_match(
        {{ vendor_text(json_text) }}, '"key"\s*:\s*"{{ key }}"\s*,\s*"value"\s*:\s*"([^"]*)"'
    ))[1])), '')
{%- endmacro %}

{% macro spark__json_url_tag(json_text, key) -%}
    nullif(lower(trim(regexp_extract(
        {{ vendor_text(json_text) }}, '"key"\\s*:\\s*"{{ key }}"\\s*,\\s*"value"\\s*:\\s*"([^"]*)"', 1
    ))), '')
{%- endmacro %}


{#- open_stage_from_probability(probability): an open deal stage of the contract from a win probability in
    percent (0-100; HubSpot's 0-1 scale is multiplied by 100 by the caller): below 20 prospecting, below 50
    discovery, below 75 proposal, else negotiation; null without a probability. -#}
{% macro open_stage_from_probability(probability) -%}
    case
        when {{ probability }} is null then null
        when {{ probability }} < 20 then 'prospecting'
        when {{ probability }} < 50 then 'discovery'
        when {{ probability }} < 75 then 'proposal'
        else 'negotiation'
    end
{%- endmacro %}


{#- segment_from_employees(employees): the contract's segment from a company's number of employees (a number,
    or HubSpot's band such as '100-500' or '1000+': its lower bound), with var adapter_segment_thresholds
    (default mid_market from 100, enterprise from 1000 employees); when unknown, var adapter_default_segment if
    set, else empty, so the contract's default (`unknown`) applies as on every other path. -#}
{% macro segment_from_employees(employees) -%}
    {%- set thresholds = var('adapter_segment_thresholds', {'mid_market': 100, 'enterprise': 1000}) -%}
    {%- set lower_bound = to_decimal(
        "regexp_replace(" ~ dbt.split_part(vendor_text(employees), "'-'", 1) ~ ", '[^0-9.]', '', 'g')", 38, 12
    ) -%}
    case
        when {{ lower_bound }} >= {{ thresholds.enterprise }} then 'enterprise'
        when {{ lower_bound }} >= {{ thresholds.mid_market }} then 'mid_market'
        when {{ lower_bound }} >= 0 then 'smb'
        {%- if var('adapter_default_segment', none) %}
        else {{ string_literal(var("adapter_default_segment")) }}
        {%- endif %}
    end
{%- endmacro %}


{#- checked_segment_sum(parsed, raw, kind='money', divisor=none, null_as_zero=false): an aggregate (for a
    grouped select) summing a vendor's segment rows (Google Ads stats per device and network, Meta and LinkedIn
    report rows) into the one row the contract knows, as the contract's raw text, checked segment by segment
    BEFORE it is summed: a segment whose value does not parse gives that raw value, and a negative segment gives
    the most negative one, so the contract quarantines the summed row with the rule a lone row would get
    (unparseable_value, negative_value) instead of a sum that hides it (one unparseable segment dropped out of
    the sum, one negative segment netting the others). An empty segment is an empty value (missing_value) unless
    `null_as_zero` (impressions and clicks a platform leaves empty for none). `parsed` is the segment's parsed
    number (vendor_decimal), `raw` its text (vendor_text); `kind` 'money' (decimal text; divided by `divisor`,
    e.g. 1000000 for micros, kept to 6 decimals) or 'count' (whole-number text). -#}
{% macro checked_segment_sum(parsed, raw, kind='money', divisor=none, null_as_zero=false) -%}
    {%- if kind == 'count' -%}
        {%- set summed = 'coalesce(sum(' ~ parsed ~ '), 0)' if null_as_zero else 'sum(' ~ parsed ~ ')' -%}
        {%- set total = 'cast(cast(' ~ summed ~ ' as ' ~ dbt.type_bigint() ~ ') as ' ~ dbt.type_string() ~ ')' -%}
        {%- set lowest = decimal_text('min(' ~ parsed ~ ')') -%}
    {%- elif divisor -%}
        {%- set total = decimal_text('cast(sum(' ~ parsed ~ ') / ' ~ divisor ~ '.0 as numeric(38, 6))') -%}
        {%- set lowest = decimal_text('cast(min(' ~ parsed ~ ') / ' ~ divisor ~ '.0 as numeric(38, 6))') -%}
    {%- else -%}
        {%- set total = decimal_text('sum(' ~ parsed ~ ')') -%}
        {%- set lowest = decimal_text('min(' ~ parsed ~ ')') -%}
    {%- endif -%}
    {%- set has_text = 'nullif(trim(' ~ raw ~ "), '') is not null" -%}
    case
        when sum(case when {{ parsed }} is null{{ ' and ' ~ has_text if null_as_zero }} then 1 else 0 end) > 0
            then min(case when {{ parsed }} is null then nullif(trim({{ raw }}), '') end)
        when min({{ parsed }}) < 0 then {{ lowest }}
        else {{ total }}
    end
{%- endmacro %}


{#- vendor_is_current(alias=none): a synced record the adapters map: not deleted in the vendor (is_deleted) nor by
    the loader (_fivetran_deleted), and the active version in the loader's history mode (_fivetran_active, true
    when the table has no such column). `alias` qualifies the columns (a relation or CTE name). -#}
{% macro vendor_is_current(alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    not {{ vendor_is_true(prefix ~ 'is_deleted') }}
    and not {{ vendor_is_true(prefix ~ '_fivetran_deleted') }}
    and coalesce({{ vendor_bool(prefix ~ '_fivetran_active') }}, true)
{%- endmacro %}
