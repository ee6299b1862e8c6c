-- Meta -> the raw layout of ads_ads (text; typed and checked by base_ads__ads), from the
-- platform's staging models through the shared ad-platform mapping (ad_platform_query, ad_platform_fields:
-- macros/vendor_adapters/ad_platforms.sql; docs/adapters.md).
{{ config(enabled=vendor_adapter_enabled('facebook_ads')) }}
{{ ad_platform_query('facebook_ads', 'ads_ads') }}
