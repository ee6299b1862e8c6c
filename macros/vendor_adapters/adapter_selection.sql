{#-
    Vendor adapters (docs/adapters.md): which models feed each raw table of the contract.

    Two vars choose, at parse time, where the contract's raw tables come from:
      - crm_source: contract | salesforce | hubspot (default contract). A CRM adapter feeds the CRM tables
        (crm_leads, crm_lead_status_history, crm_opportunities, crm_opportunity_stage_history, crm_sales_reps,
        crm_sales_teams, crm_rep_team_history) and the touchpoints (mkt_touchpoints) from the CRM's synced
        objects; Salesforce also feeds finance_fx_rates (DatedConversionRate).
      - ads_sources: a list of contract, google_ads, facebook_ads, linkedin_ads (default [contract]). The ad
        tables (ads_campaigns, ads_ads, ads_spend_daily) are the union of the listed platforms' mapping models,
        and of the contract's own tables when contract is in the list.
    The adapters' models (models/staging/<vendor>/, models/intermediate/vendor_adapters/<vendor>/: each one's
    config(enabled=vendor_adapter_enabled(vendor))) and their sources (config: enabled) are enabled by the same
    vars, so a disabled adapter builds nothing and the defaults leave the project as it is.

    Each vendor mapping model (int_<vendor>__<raw table>, models/intermediate/vendor_adapters/<vendor>/, over
    the vendor's staging models, one per synced vendor table: models/staging/<vendor>/) outputs
    exactly the raw table's contract columns as text; the base model of the table reads it instead of the contract source (raw_text_select,
    macros/quarantine/raw_source.sql), so typing, every quarantine rule, the cascades and the threshold gate
    apply to vendor rows unchanged.
-#}

{#- The raw tables a CRM adapter feeds, and the ad tables an ad platform feeds. -#}
{% macro adapter_crm_tables() -%}
    {{ return([
        'crm_leads', 'crm_lead_status_history', 'crm_opportunities', 'crm_opportunity_stage_history',
        'crm_sales_reps', 'crm_sales_teams', 'crm_rep_team_history', 'mkt_touchpoints',
    ]) }}
{%- endmacro %}

{% macro adapter_ads_tables() -%}
    {{ return(['ads_campaigns', 'ads_ads', 'ads_spend_daily']) }}
{%- endmacro %}

{#- With a CRM adapter, the tables no CRM syncs (billing, finance) are read from the contract's source when the
    warehouse has them (a billing system's export keyed by the CRM's ids), and are empty otherwise. The
    touchpoints of a marketing-automation export in the contract's layout are added to the CRM's when present. -#}
{% macro adapter_optional_contract_tables() -%}
    {{ return([
        'billing_customers', 'billing_subscription_events', 'finance_costs', 'finance_fx_rates', 'mkt_touchpoints',
    ]) }}
{%- endmacro %}


{#- crm_source(): var crm_source, checked. -#}
{% macro crm_source() -%}
    {%- set value = var('crm_source', 'contract') -%}
    {%- if value not in ('contract', 'salesforce', 'hubspot') -%}
        {{ exceptions.raise_compiler_error(
            "var crm_source must be one of contract, salesforce, hubspot (lower case), got '" ~ value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- ads_sources(): var ads_sources as a list (a YAML list, or text: one name, names separated by commas, or a list
    written as text such as "['google_ads', 'facebook_ads']"), checked; at least one. -#}
{% macro ads_sources() -%}
    {%- set value = var('ads_sources', ['contract']) -%}
    {%- if value is string -%}
        {%- set value = value.replace('[', '').replace(']', '').replace("'", '').replace('"', '').split(',') -%}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for item in value -%}
        {%- set name = (item | string | trim) -%}
        {%- if name not in ('contract', 'google_ads', 'facebook_ads', 'linkedin_ads') -%}
            {{ exceptions.raise_compiler_error(
                "var ads_sources lists contract, google_ads, facebook_ads, linkedin_ads (lower case), got '"
                ~ name ~ "'"
            ) }}
        {%- endif -%}
        {%- if name not in names %}{% do names.append(name) %}{% endif -%}
    {%- endfor -%}
    {%- if not names -%}
        {{ exceptions.raise_compiler_error('var ads_sources is empty: list at least one of contract, google_ads, facebook_ads, linkedin_ads') }}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}


{#- adapters_on(): whether any vendor adapter is selected. -#}
{% macro adapters_on() -%}
    {{ return(crm_source() != 'contract' or ads_sources() != ['contract']) }}
{%- endmacro %}


{#- adapter_feeds(table_name): how the base model of a raw table gets its rows, or none for the contract source
    alone (the default). A list of feeds, unioned in this order:
      - a model name: the vendor mapping model (int_<vendor>__<raw table>), read with ref();
      - 'contract': the contract's source table, which must exist (as without adapters);
      - 'contract_if_present': the contract's source table when the warehouse has it, else no rows. -#}
{% macro adapter_feeds(table_name) -%}
    {%- set crm = crm_source() -%}
    {%- set ads = ads_sources() -%}
    {%- set feeds = [] -%}
    {%- if crm != 'contract' and table_name in adapter_crm_tables() -%}
        {%- do feeds.append('int_' ~ crm ~ '__' ~ table_name) -%}
    {%- endif -%}
    {%- if crm == 'salesforce' and table_name == 'finance_fx_rates' -%}
        {%- do feeds.append('int_salesforce__finance_fx_rates') -%}
    {%- endif -%}
    {%- if crm != 'contract' and table_name in adapter_optional_contract_tables() -%}
        {%- do feeds.append('contract_if_present') -%}
    {%- endif -%}
    {%- if ads != ['contract'] and table_name in adapter_ads_tables() -%}
        {%- for platform in ads -%}
            {%- do feeds.append('contract' if platform == 'contract' else 'int_' ~ platform ~ '__' ~ table_name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(feeds if feeds else none) }}
{%- endmacro %}


{#- vendor_adapter_enabled(vendor): whether a vendor adapter's models are built: the CRM chosen by var crm_source,
    an ad platform listed in var ads_sources, or every adapter under the linter (var lint_all_adapters). Each
    adapter model's config(enabled=...) asks here, at parse time with every var of the run (a package's
    dbt_project.yml is rendered without the host's vars, so the switch cannot live there). -#}
{% macro vendor_adapter_enabled(vendor) -%}
    {%- if var('lint_all_adapters', false) in [true, 'true', 'True'] -%}
        {{ return(true) }}
    {%- elif vendor in ('salesforce', 'hubspot') -%}
        {{ return(crm_source() == vendor) }}
    {%- endif -%}
    {{ return(vendor in ads_sources()) }}
{%- endmacro %}
