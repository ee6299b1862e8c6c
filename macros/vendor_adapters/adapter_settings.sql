{#-
    The vendor adapters' settings: adapter_setting(name) is var(name) when set, else the default below. Every
    setting and what it assumes is listed in docs/adapters.md. Maps are compared on the vendor's value trimmed
    and lower-cased; a null target means "not a funnel event" (the row is skipped and listed in the adapter's
    excluded-records model). A vendor value missing from a map passes through lower-cased, so the contract's
    enum rule quarantines it with its value in the message (extend the map with --vars or in dbt_project.yml).
-#}
{% macro adapter_setting_defaults() -%}
    {{ return({
        'salesforce_stage_history': 'opportunity_history',
        'salesforce_default_currency': 'USD',
        'salesforce_corporate_currency': 'USD',
        'salesforce_lead_status_map': {
            'Open - Not Contacted': 'new', 'Open': 'new', 'New': 'new',
            'Marketing Qualified': 'mql', 'Marketing Qualified Lead': 'mql', 'MQL': 'mql',
            'Working - Contacted': 'sql', 'Working': 'sql', 'Sales Accepted': 'sql', 'Sales Qualified': 'sql',
            'Sales Qualified Lead': 'sql', 'SQL': 'sql', 'Qualified': 'sql',
            'Closed - Not Converted': 'disqualified', 'Unqualified': 'disqualified', 'Disqualified': 'disqualified',
            'Closed - Converted': none, 'Converted': none, 'Nurture': none, 'Nurturing': none, 'Recycled': none,
        },
        'salesforce_lead_status_date_fields': {'mql': 'mql_date_c', 'sql': 'sql_date_c'},
        'salesforce_lead_utm_fields': {
            'utm_source': 'utm_source_c', 'utm_medium': 'utm_medium_c', 'utm_campaign': 'utm_campaign_c',
        },
        'salesforce_lead_source_utm': {
            'Google AdWords': ['google', 'cpc'], 'Google Ads': ['google', 'cpc'], 'Paid Search': ['google', 'cpc'],
            'Bing Ads': ['bing', 'cpc'], 'Facebook': ['facebook', 'paid_social'],
            'LinkedIn': ['linkedin', 'paid_social'], 'Advertisement': ['salesforce', 'display'],
            'Organic Search': ['google', 'organic'], 'SEO': ['google', 'organic'],
            'Email': ['salesforce', 'email'], 'Email Campaign': ['salesforce', 'email'],
            'Webinar': ['salesforce', 'webinar'], 'Trade Show': ['salesforce', 'event'],
            'Conference': ['salesforce', 'event'], 'Event': ['salesforce', 'event'],
            'Seminar - Internal': ['salesforce', 'event'], 'Seminar - Partner': ['salesforce', 'event'],
            'Partner Referral': ['salesforce', 'referral'], 'Partner': ['salesforce', 'referral'],
            'Employee Referral': ['salesforce', 'referral'], 'External Referral': ['salesforce', 'referral'],
            'Customer Referral': ['salesforce', 'referral'], 'Word of mouth': ['salesforce', 'referral'],
            'Web': [none, none], 'Website': [none, none], 'Phone Inquiry': [none, none],
        },
        'salesforce_stage_map': {
            'Prospecting': 'prospecting', 'Qualification': 'discovery', 'Needs Analysis': 'discovery',
            'Value Proposition': 'proposal', 'Id. Decision Makers': 'proposal', 'Perception Analysis': 'proposal',
            'Proposal/Price Quote': 'proposal', 'Negotiation/Review': 'negotiation',
            'Closed Won': 'closed_won', 'Closed Lost': 'closed_lost',
        },
        'salesforce_campaign_type_map': {
            'Webinar': ['webinar', 'salesforce', 'webinar'],
            'Conference': ['event_visit', 'salesforce', 'event'],
            'Trade Show': ['event_visit', 'salesforce', 'event'],
            'Seminar / Conference': ['event_visit', 'salesforce', 'event'],
            'Event': ['event_visit', 'salesforce', 'event'],
            'Email': ['email_click', 'salesforce', 'email'],
            'Advertisement': ['ad_click', 'salesforce', 'display'],
            'Banner Ads': ['ad_click', 'salesforce', 'display'],
            'Content': ['content_download', 'salesforce', 'content'],
            'Direct Mail': ['content_download', 'salesforce', 'direct_mail'],
            'Telemarketing': ['phone_call', none, none],
            'Public Relations': ['referral_visit', 'salesforce', 'referral'],
            'Partners': ['referral_visit', 'salesforce', 'referral'],
            'Referral Program': ['referral_visit', 'salesforce', 'referral'],
            'Other': ['content_download', 'salesforce', 'other'],
        },
        'salesforce_campaign_utm_fields': {
            'utm_source': 'utm_source_c', 'utm_medium': 'utm_medium_c', 'utm_campaign': 'utm_campaign_c',
        },
        'salesforce_lead_disqualification_reason_field': 'disqualification_reason_c',
        'salesforce_opportunity_lost_reason_field': 'loss_reason_c',
        'salesforce_sdr_title_keywords': ['sdr', 'bdr', 'development rep'],

        'hubspot_default_currency': 'USD',
        'hubspot_lifecycle_source': 'date_properties',
        'hubspot_lifecycle_stage_map': {
            'subscriber': none, 'lead': 'new', 'marketingqualifiedlead': 'mql', 'salesqualifiedlead': 'sql',
            'opportunity': 'opportunity', 'customer': none, 'evangelist': none, 'other': none,
        },
        'hubspot_disqualified_lead_statuses': ['UNQUALIFIED'],
        'hubspot_deal_pipelines': none,
        'hubspot_deal_stage_map': {
            'appointmentscheduled': 'prospecting', 'qualifiedtobuy': 'discovery',
            'presentationscheduled': 'proposal', 'decisionmakerboughtin': 'proposal',
            'contractsent': 'negotiation', 'closedwon': 'closed_won', 'closedlost': 'closed_lost',
        },
        'hubspot_analytics_source_utm': {
            'PAID_SEARCH': [none, 'cpc', 'google'], 'PAID_SOCIAL': [none, 'paid_social', 'facebook'],
            'ORGANIC_SEARCH': [none, 'organic', 'google'], 'EMAIL_MARKETING': ['hubspot', 'email', none],
            'REFERRALS': [none, 'referral', 'referral'], 'SOCIAL_MEDIA': [none, 'social', 'social'],
            'OTHER_CAMPAIGNS': [none, 'campaign', 'other'], 'OFFLINE': ['offline', 'offline', none],
            'DIRECT_TRAFFIC': [none, none, none],
        },
        'hubspot_analytics_source_touch_types': {
            'PAID_SEARCH': 'ad_click', 'PAID_SOCIAL': 'ad_click', 'ORGANIC_SEARCH': 'organic_visit',
            'EMAIL_MARKETING': 'email_click', 'REFERRALS': 'referral_visit', 'SOCIAL_MEDIA': 'organic_visit',
            'OTHER_CAMPAIGNS': 'ad_click', 'OFFLINE': 'event_visit', 'DIRECT_TRAFFIC': 'direct_visit',
        },
        'hubspot_form_touch_keywords': {
            'webinar': 'webinar', 'newsletter': 'newsletter_signup', 'subscribe': 'newsletter_signup',
            'event': 'event_visit', 'chat': 'live_chat', 'call': 'phone_call',
        },
        'hubspot_default_form_touch_type': 'content_download',
        'hubspot_team_managers': {},

        'google_ads_default_utm': ['google', 'cpc'],
        'google_ads_default_channel': 'paid_search',
        'google_ads_objective_map': {
            'SEARCH': 'lead_generation', 'DISPLAY': 'awareness', 'VIDEO': 'awareness', 'DISCOVERY': 'awareness',
            'DEMAND_GEN': 'awareness', 'SHOPPING': 'conversion', 'PERFORMANCE_MAX': 'conversion',
            'MULTI_CHANNEL': 'conversion', 'LOCAL': 'conversion', 'SMART': 'conversion',
        },
        'google_ads_format_map': {
            'TEXT_AD': 'text', 'EXPANDED_TEXT_AD': 'text', 'RESPONSIVE_SEARCH_AD': 'text', 'CALL_AD': 'text',
            'IMAGE_AD': 'image', 'RESPONSIVE_DISPLAY_AD': 'image', 'LEGACY_RESPONSIVE_DISPLAY_AD': 'image',
            'APP_AD': 'image', 'SHOPPING_PRODUCT_AD': 'image', 'DISCOVERY_MULTI_ASSET_AD': 'image',
            'VIDEO_AD': 'video', 'VIDEO_RESPONSIVE_AD': 'video', 'DISCOVERY_CAROUSEL_AD': 'carousel',
        },
        'facebook_ads_default_utm': ['facebook', 'paid_social'],
        'facebook_ads_default_channel': 'paid_social',
        'facebook_ads_objective_map': {
            'OUTCOME_AWARENESS': 'awareness', 'BRAND_AWARENESS': 'awareness', 'REACH': 'awareness',
            'VIDEO_VIEWS': 'awareness', 'OUTCOME_ENGAGEMENT': 'awareness', 'POST_ENGAGEMENT': 'awareness',
            'OUTCOME_LEADS': 'lead_generation', 'LEAD_GENERATION': 'lead_generation', 'MESSAGES': 'lead_generation',
            'OUTCOME_TRAFFIC': 'conversion', 'LINK_CLICKS': 'conversion', 'OUTCOME_SALES': 'conversion',
            'CONVERSIONS': 'conversion', 'OUTCOME_APP_PROMOTION': 'conversion', 'APP_INSTALLS': 'conversion',
        },
        'facebook_ads_format_map': {
            'VIDEO': 'video', 'PHOTO': 'image', 'SHARE': 'image', 'STATUS': 'text', 'LINK': 'image',
            'OFFER': 'image', 'EVENT': 'image', 'APPLICATION': 'image', 'INVALID': 'image',
        },
        'linkedin_ads_default_utm': ['linkedin', 'paid_social'],
        'linkedin_ads_default_channel': 'paid_social',
        'linkedin_ads_objective_map': {
            'BRAND_AWARENESS': 'awareness', 'ENGAGEMENT': 'awareness', 'VIDEO_VIEW': 'awareness',
            'LEAD_GENERATION': 'lead_generation', 'TALENT_LEADS': 'lead_generation',
            'WEBSITE_VISIT': 'conversion', 'WEBSITE_CONVERSION': 'conversion', 'JOB_APPLICANT': 'conversion',
            'WEBSITE_TRAFFIC': 'conversion', 'CREATIVE_ENGAGEMENT': 'awareness',
        },
        'linkedin_ads_format_map': {
            'TEXT_AD': 'text', 'SPONSORED_STATUS_UPDATE': 'image', 'SPONSORED_UPDATE': 'image',
            'SPONSORED_VIDEO': 'video', 'SPONSORED_UPDATE_CAROUSEL': 'carousel', 'SPONSORED_INMAILS': 'text',
            'SPONSORED_MESSAGE': 'text', 'SPOTLIGHT_V2': 'image', 'FOLLOW_COMPANY_V2': 'image',
        },
        'ads_default_objective': 'lead_generation',
        'ads_default_format': 'image',
    }) }}
{%- endmacro %}


{% macro adapter_setting(name) -%}
    {%- set defaults = adapter_setting_defaults() -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error('adapter_setting: unknown setting ' ~ name ~ ' (docs/adapters.md)') }}
    {%- endif -%}
    {{ return(var(name, defaults[name])) }}
{%- endmacro %}
