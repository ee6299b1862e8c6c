"""The raw data contract: every raw table, its columns, types, keys and meaning.

This module is the single source of truth for the raw layer. The demo-data
generator writes files that follow it, `scripts/write_contract_yaml.py` renders
it into `seeds/_raw__seeds.yml` (dbt docs, seed column types, key tests), the
README summarises it, and the loader checks user files against it.

Raw columns are text (like any CSV export) or native types; the base models
cast them to text and parse them. The `type` of a column is the logical type
they are parsed as: string, integer, decimal, date, timestamp (ISO 8601, with or
without a UTC offset or a time zone name; converted to UTC), date_or_timestamp
(a date, or a date and time, kept), boolean (true/false).

Row-level rules beyond type, required, enum and foreign key (checked by the
quarantine layer, see docs/quarantine.md): `min_value` (with `min_inclusive`),
`not_before` (a date/timestamp column that must not be earlier than another
column of the row), `money_in` (an amount in the currency of that column:
checked against var `max_plausible_amount`), `fx_date` (a currency column: an FX
rate to the reporting currency must exist on or before that date column),
`required_with` (required when another column has a value), `required_when`
(required when another column holds one of some values, e.g. a close date for a
closed stage),
`not_before_reference` (not before a column of the referenced row), a table's
`progression` (an ordered status column that must not go backwards) and
`no_overlap` (periods of a partition that must not overlap). Every date and
timestamp must lie in the plausible window (vars plausible_date_min/_max).
Real exports often lack columns: `absent_ok` columns may be missing from a file
or table (read as empty), `default` and `fallback` say what an empty value
becomes.
"""

from __future__ import annotations

from kpi_pipeline.contract_types import Column, Progression, Table


C = Column

TOUCH_TYPES = (
    "ad_click",
    "email_click",
    "content_download",
    "newsletter_signup",
    "webinar",
    "live_chat",
    "phone_call",
    "organic_visit",
    "referral_visit",
    "direct_visit",
    "event_visit",
)
LEAD_STATUSES = ("new", "mql", "sql", "opportunity", "disqualified")
OPP_STAGES = (
    "prospecting",
    "discovery",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
)
SEGMENTS = ("smb", "mid_market", "enterprise", "unknown")
SUB_EVENT_TYPES = ("new", "expansion", "contraction", "churn", "reactivation")

TABLES: tuple[Table, ...] = (
    Table(
        "ref_channels",
        "reference",
        "Marketing channels: the reporting grain for spend, leads and attribution.",
        ("channel_id",),
        (
            C("channel_id", "string", "Channel key, snake_case (e.g. paid_search)."),
            C("channel_name", "string", "Display name."),
            C("channel_group", "string", "paid, owned or earned.", enum=("paid", "owned", "earned")),
            C("is_paid", "boolean", "True for paid media channels (used by paid CAC)."),
        ),
        no_freshness_reason="reference data the project ships (seeds/reference/), overridden by a table of "
                            "yours; it changes when you change it, not with a sync",
    ),
    Table(
        "ref_utm_channel_map",
        "reference",
        "Maps a (utm_source, utm_medium) pair to a channel. utm_source '*' matches any "
        "source for that medium; an exact pair wins over '*'. A lead or touch with no utm "
        "source and medium is looked up as ('(direct)', '(none)'), the analytics convention.",
        ("utm_source", "utm_medium"),
        (
            C("utm_source", "string", "utm_source value, lower case, or '*' for any."),
            C("utm_medium", "string", "utm_medium value, lower case ('(none)' for no utm)."),
            C("channel_id", "string", "Channel the pair maps to.", references="ref_channels.channel_id"),
        ),
        no_freshness_reason="reference data the project ships (seeds/reference/), overridden by a table of "
                            "yours; it changes when you change it, not with a sync",
    ),
    Table(
        "ref_kpi_targets",
        "reference",
        "Monthly KPI targets, in total or per channel/team.",
        ("target_month", "kpi_name", "dimension_type", "dimension_value"),
        (
            C("target_month", "date", "First day of the target month."),
            C("kpi_name", "string", "KPI key as used in the scorecard (e.g. cost_per_lead)."),
            C("dimension_type", "string", "total, channel or team.", enum=("total", "channel", "team")),
            C("dimension_value", "string", "Channel or team id; 'all' for total."),
            C("target_value", "decimal", "Target value in the KPI's unit (money in reporting currency)."),
        ),
        loaded_at_column="target_month",
        loaded_at_days=62,
    ),
    Table(
        "ads_campaigns",
        "ads",
        "Marketing campaigns, each under one channel.",
        ("campaign_id",),
        (
            C("campaign_id", "string", "Campaign key."),
            C("campaign_name", "string", "Display name."),
            C("channel_id", "string", "Channel the campaign runs in.", references="ref_channels.channel_id"),
            C("utm_campaign", "string", "utm_campaign value that tags the campaign's links."),
            C("objective", "string", "awareness, lead_generation or conversion.",
              enum=("awareness", "lead_generation", "conversion")),
            C("start_date", "date", "First day the campaign runs."),
            C("end_date", "date", "Last day the campaign runs; empty if still running.", required=False,
              not_before="start_date"),
        ),
        loaded_at_column="start_date",
        loaded_at_days=120,
    ),
    Table(
        "ads_ads",
        "ads",
        "Ads (creatives) under paid campaigns.",
        ("ad_id",),
        (
            C("ad_id", "string", "Ad key."),
            C("campaign_id", "string", "Campaign the ad belongs to.", references="ads_campaigns.campaign_id"),
            C("ad_name", "string", "Display name."),
            C("ad_format", "string", "text, image, video or carousel; may be empty or absent.",
              enum=("text", "image", "video", "carousel"), required=False, absent_ok=True),
        ),
        no_freshness_reason="no column tells when an ad was added; an ad missing here quarantines the spend "
                            "and touches that name it (unknown_reference)",
    ),
    Table(
        "ads_spend_daily",
        "ads",
        "Daily marketing spend per ad (paid media) or per campaign (ad_id empty: events, "
        "email tooling, sponsorships), in the currency it was billed in.",
        ("spend_id",),
        (
            C("spend_id", "string", "Row key (generate one if your export has none)."),
            C("spend_date", "date", "Day the spend was incurred (platform's account day)."),
            C("campaign_id", "string", "Campaign.", references="ads_campaigns.campaign_id"),
            C("ad_id", "string", "Ad; empty for campaign-level spend.", required=False,
              references="ads_ads.ad_id"),
            C("currency", "string", "ISO 4217 code of spend_amount.", fx_date="spend_date"),
            C("spend_amount", "decimal", "Spend in `currency`, >= 0.", min_value=0, money_in="currency"),
            C("impressions", "integer", "Impressions served (0 if not applicable)."),
            C("clicks", "integer", "Clicks (0 if not applicable)."),
        ),
        event_column="spend_date",
        freshness_days=3,
    ),
    Table(
        "mkt_touchpoints",
        "marketing",
        "Marketing touchpoints of a lead, before and after it was created (anonymous "
        "touches are stitched to the lead by the marketing-automation tool).",
        ("touchpoint_id",),
        (
            C("touchpoint_id", "string", "Touchpoint key."),
            C("lead_id", "string", "Lead the touch belongs to.", references="crm_leads.lead_id"),
            C("touched_at", "timestamp", "When the touch happened."),
            C("touch_type", "string", "Kind of interaction.", enum=TOUCH_TYPES),
            C("utm_source", "string", "utm_source of the touch; empty if none.", required=False),
            C("utm_medium", "string", "utm_medium of the touch; empty if none.", required=False),
            C("utm_campaign", "string", "utm_campaign of the touch; empty if none.", required=False),
            C("ad_id", "string", "Ad clicked, for ad clicks.", required=False, references="ads_ads.ad_id"),
        ),
        event_column="touched_at",
        freshness_days=3,
    ),
    Table(
        "crm_leads",
        "crm",
        "Leads (people at a company who raised a hand). The utm fields are the lead's "
        "source: the first touch that created it.",
        ("lead_id",),
        (
            C("lead_id", "string", "Lead key."),
            C("created_at", "timestamp", "When the lead was created in the CRM."),
            C("company_name", "string", "Company of the lead; `unknown` when the export has none.",
              required=False, absent_ok=True, default="unknown"),
            C("country", "string", "ISO 3166-1 alpha-2 country code; `unknown` when the export has none.",
              required=False, absent_ok=True, default="unknown"),
            C("segment", "string", "Company size segment; `unknown` when the export has none.", enum=SEGMENTS,
              required=False, absent_ok=True, default="unknown"),
            C("industry", "string", "Industry.", required=False, absent_ok=True),
            C("utm_source", "string", "Source utm_source; empty if none.", required=False),
            C("utm_medium", "string", "Source utm_medium; empty if none.", required=False),
            C("utm_campaign", "string", "Source utm_campaign; empty if none.", required=False),
        ),
        event_column="created_at",
        freshness_days=3,
    ),
    Table(
        "crm_lead_status_history",
        "crm",
        "Every lifecycle status change of a lead: new -> mql -> sql -> opportunity, or "
        "disqualified (with a reason). Some leads skip mql.",
        ("status_event_id",),
        (
            C("status_event_id", "string", "Event key."),
            C("lead_id", "string", "Lead.", references="crm_leads.lead_id"),
            C("status", "string", "Status entered.", enum=LEAD_STATUSES),
            C("changed_at", "timestamp", "When the status was entered; not before the lead was created.",
              not_before_reference="lead_id.created_at"),
            C("disqualification_reason", "string", "Why, for status disqualified.", required=False),
        ),
        event_column="changed_at",
        freshness_days=7,
    ),
    Table(
        "crm_opportunities",
        "crm",
        "Opportunities (deals), each from one lead. Current state; the stage history "
        "has every change.",
        ("opportunity_id",),
        (
            C("opportunity_id", "string", "Opportunity key."),
            C("lead_id", "string", "Lead the opportunity came from.", references="crm_leads.lead_id"),
            C("opportunity_name", "string", "Display name."),
            C("owner_rep_id", "string", "Current owner.", references="crm_sales_reps.rep_id"),
            C("created_at", "timestamp", "When the opportunity was created; when the export has none, its "
              "close date is taken for the contract checks, and its first stage change (else its close date) "
              "for the KPIs; required when close_date is empty.", required=False, absent_ok=True,
              fallback="close_date", required_without="close_date"),
            C("close_date", "date_or_timestamp", "Close date of the final close, or its date and time (kept); "
              "empty while open; required for a closed stage (closed_won, closed_lost).", required=False,
              not_before="created_at", required_when=("stage", ("closed_won", "closed_lost"))),
            C("stage", "string", "Current stage.", enum=OPP_STAGES),
            C("amount", "decimal", "Deal amount (first-year contract value) in `currency`, >= 0; may be "
              "empty when not known (CRMs often leave it blank on open or lost deals): the deal still counts, "
              "its amount is left out of amount sums.", required=False, absent_ok=True, min_value=0,
              money_in="currency"),
            C("currency", "string", "ISO 4217 code of amount; may be empty (or absent) when amount is.",
              fx_date="created_at", required=False, absent_ok=True, required_with="amount"),
            C("lost_reason", "string", "Why it was lost, for closed_lost.", required=False, absent_ok=True),
        ),
        event_column="created_at",
        freshness_days=14,
    ),
    Table(
        "crm_opportunity_stage_history",
        "crm",
        "Every stage change of an opportunity, with the owner at that moment. A re-opened "
        "deal goes from closed_lost back to an open stage.",
        ("stage_event_id",),
        (
            C("stage_event_id", "string", "Event key."),
            C("opportunity_id", "string", "Opportunity.", references="crm_opportunities.opportunity_id"),
            C("stage", "string", "Stage entered.", enum=OPP_STAGES),
            C("changed_at", "timestamp", "When the stage was entered."),
            C("owner_rep_id", "string", "Owner when the stage was entered.",
              references="crm_sales_reps.rep_id"),
        ),
        event_column="changed_at",
        freshness_days=7,
        progression=Progression(
            column="stage",
            partition_by="opportunity_id",
            order_by="changed_at",
            tie_breaker="stage_event_id",
            ordered=OPP_STAGES[:4],
            resets=OPP_STAGES[4:],
        ),
    ),
    Table(
        "crm_sales_reps",
        "crm",
        "Sales reps.",
        ("rep_id",),
        (
            C("rep_id", "string", "Rep key."),
            C("rep_name", "string", "Full name."),
            C("role", "string", "ae, sdr or manager.", enum=("ae", "sdr", "manager")),
            C("hired_date", "date", "First day; may be empty or absent.", required=False, absent_ok=True),
            C("terminated_date", "date", "Last day; empty while employed.", required=False,
              not_before="hired_date"),
        ),
        loaded_at_column="hired_date",
        loaded_at_days=365,
    ),
    Table(
        "crm_sales_teams",
        "crm",
        "Sales teams and their managers.",
        ("team_id",),
        (
            C("team_id", "string", "Team key."),
            C("team_name", "string", "Display name."),
            C("region", "string", "Region the team covers."),
            C("manager_rep_id", "string", "Manager.", references="crm_sales_reps.rep_id"),
        ),
        no_freshness_reason="no column tells when a team was added; a team missing here quarantines the "
                            "rep-team rows that name it (unknown_reference)",
    ),
    Table(
        "crm_rep_team_history",
        "crm",
        "Which team a rep belonged to when (valid_from inclusive, valid_to exclusive); a rep's periods must "
        "not overlap.",
        ("rep_id", "valid_from"),
        (
            C("rep_id", "string", "Rep.", references="crm_sales_reps.rep_id"),
            C("team_id", "string", "Team.", references="crm_sales_teams.team_id"),
            C("valid_from", "date", "First day in the team."),
            C("valid_to", "date", "Day the rep left the team; empty if current.", required=False,
              not_before="valid_from"),
        ),
        loaded_at_column="valid_from",
        loaded_at_days=365,
        no_overlap=("rep_id", "valid_from", "valid_to"),
    ),
    Table(
        "billing_customers",
        "billing",
        "Customers (accounts) in the billing system, linked to the lead and the won "
        "deal that brought them.",
        ("customer_id",),
        (
            C("customer_id", "string", "Customer key."),
            C("lead_id", "string", "Original lead.", references="crm_leads.lead_id"),
            C("opportunity_id", "string", "Won deal that created the customer.",
              references="crm_opportunities.opportunity_id"),
            C("company_name", "string", "Company."),
            C("country", "string", "ISO 3166-1 alpha-2 country code."),
            C("segment", "string", "Company size segment.", enum=SEGMENTS),
            C("created_at", "timestamp", "When the customer record was created."),
        ),
        loaded_at_column="created_at",
        loaded_at_days=62,
    ),
    Table(
        "billing_subscription_events",
        "billing",
        "Subscription MRR changes: new, expansion, contraction, churn (MRR to 0) and "
        "reactivation. mrr_amount is the customer's MRR after the event.",
        ("subscription_event_id",),
        (
            C("subscription_event_id", "string", "Event key."),
            C("customer_id", "string", "Customer.", references="billing_customers.customer_id"),
            C("subscription_id", "string", "Subscription."),
            C("event_date", "date", "Day the change takes effect."),
            C("event_type", "string", "Kind of change.", enum=SUB_EVENT_TYPES),
            C("mrr_amount", "decimal", "MRR after the event in `currency` (0 after churn), >= 0.",
              min_value=0, money_in="currency"),
            C("currency", "string", "ISO 4217 code of mrr_amount.", fx_date="event_date"),
        ),
        event_column="event_date",
        freshness_days=31,
    ),
    Table(
        "finance_costs",
        "finance",
        "Monthly sales and marketing costs other than media spend (salaries, commissions, "
        "tools, agencies), for CAC.",
        ("cost_id",),
        (
            C("cost_id", "string", "Row key."),
            C("cost_month", "date", "First day of the month the cost belongs to."),
            C("department", "string", "marketing or sales.", enum=("marketing", "sales")),
            C("cost_category", "string", "salaries, commissions, tools or agency.",
              enum=("salaries", "commissions", "tools", "agency")),
            C("currency", "string", "ISO 4217 code of amount.", fx_date="cost_month"),
            C("amount", "decimal", "Cost in `currency`; may be negative (credit notes, commission "
              "clawbacks).", money_in="currency"),
        ),
        event_column="cost_month",
        freshness_days=62,
    ),
    Table(
        "finance_fx_rates",
        "finance",
        "Dated FX rates: 1 unit of from_currency = rate units of to_currency. Business "
        "days only; a day without a rate uses the latest earlier one.",
        ("rate_date", "from_currency", "to_currency"),
        (
            C("rate_date", "date", "Day of the rate."),
            C("from_currency", "string", "ISO 4217 code converted from."),
            C("to_currency", "string", "ISO 4217 code converted to."),
            C("rate", "decimal", "Units of to_currency per unit of from_currency, > 0 (12 decimal "
              "places are kept: 1 VND is about 0.00004 USD).",
              min_value=0, min_inclusive=False, scale=12),
        ),
        event_column="rate_date",
        freshness_days=5,
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

FX_TABLE = "finance_fx_rates"


def crosses_sources(table: Table) -> bool:
    """Whether a rule of the table needs another source system: a foreign key into another source, an FX
    rate (the rates are finance's) outside finance, or a foreign key into a table that crosses sources."""
    for column in table.columns:
        if column.references:
            parent = TABLES_BY_NAME[column.references.split(".")[0]]
            if parent.source != table.source or crosses_sources(parent):
                return True
        if column.fx_date and table.source != TABLES_BY_NAME[FX_TABLE].source:
            return True
    return False


def clean_model(table: Table) -> str:
    """The model holding the table's rows that pass every contract rule: its staging model, or, when a rule
    needs another source system, the intermediate model where the systems meet (int_<entity>_checked)."""
    if crosses_sources(table):
        return f"int_{table.name.split('_', 1)[1]}_checked"
    return table.staging_model
