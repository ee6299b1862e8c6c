"""Deterministic demo-data generator for the raw layer (the 18 contract tables).

The story
---------
A B2B SaaS company sells subscriptions to SMB, mid-market and enterprise
accounts in North America and EMEA. The data covers the 24 calendar months
ending on ``--end-date`` (default 2026-10-31, so it starts 2024-11-01).

* Marketing runs 8 channels (``ref_channels``). Paid media (search, social,
  display) is billed per ad and day; email tooling and event sponsorships /
  webinar platforms are billed per campaign on some days (``ad_id`` empty).
  Spend is billed in USD, EUR (EMEA campaigns) or GBP (a UK campaign).
* Leads grow ~60 % over the two years with seasonality (December dip, summer
  lull, autumn peak) and spikes around conferences. Each lead has a source
  channel/campaign (its creation touch) and 1-12 touchpoints before and after
  creation (some older than the 90-day lookback, a few with equal timestamps).
* The channels behave differently on purpose, so the KPIs have a story:
  paid social brings many cheap leads that reach MQL but rarely SQL, win ~10 %
  and churn fast; referral brings few leads that convert, win ~50 % and stay;
  paid search is expensive but decent; events skip MQL more often.
* Leads move new -> mql -> sql -> opportunity, or get disqualified with a
  reason; ~10-15 % of SQLs skip MQL. Opportunities walk prospecting ->
  discovery -> proposal -> negotiation -> closed_won/closed_lost (some stages
  skipped, ~4 % of lost deals re-opened). Sales cycles are longer for
  enterprise. Deals created late are still open at the end.
* Three sales teams (na_smb, na_enterprise, emea); AEs are assigned
  round-robin (by lead index) within the team of the lead's region. One AE
  changes team, one leaves (their open deals move to a colleague the day after
  the termination date), a few deals are reassigned mid-way.
* Each won deal creates a billing customer with a 'new' subscription event
  (MRR = amount / 12, deal currency), followed by expansions, contractions,
  churn (channel dependent) and occasional reactivation.
* Finance has monthly salaries/tools/agency costs and commissions (10 % of the
  month's bookings); FX rates (EUR->USD, GBP->USD, business days only);
  KPI targets near the actuals (some months hit, some missed).

Nothing happens after the end date: events that would fall later are simply
not generated, so those leads/deals stay in their current state.

Knobs
-----
``--seed`` (42): every random stream derives from it via string-seeded
``random.Random`` instances (no global state, no hash ordering), so the same
seed and scale give byte-identical files.
``--scale`` (1.0): multiplies the number of leads (~3,000 at 1.0) and with it
everything derived from leads; money in spend and finance costs is multiplied
too so unit economics (CPL, CAC) stay comparable. Reference tables (channels,
utm map, campaigns, ads, reps, teams, FX) keep their size.
``--leads N``: exactly N leads (sets the scale to N / 3000: ``--leads 1000000``
is ~5.2M touchpoints, ``--leads 2000000`` ~10M).
``--end-date``: last day of data. ``--out``: output folder, one file per table
(default: the project's seeds, seeds/demo/ and seeds/reference/).
``--format``: csv (default) or parquet (needs pyarrow; all columns as text,
written in row groups of ``--row-group-size`` rows, default 100,000).

Scaling: leads are generated one at a time from a per-lead RNG
(``Random(f"{seed}:lead:{i}")``) and their rows (touchpoints, status history,
opportunity, stages, customer, subscription events) are streamed straight to
the open CSV writers (or buffered per row group for the Parquet writers); only
small monthly aggregates are kept in memory (for commissions and targets), so
memory stays flat (~100 MiB for Parquet) whatever the scale. Lead creation times come from a monotone inverse
CDF over daily weights, so lead ids are in creation order without sorting.

The modules, each importing only those below it (one per entity, in the order the data is drawn):
  cli.py          the command line (scripts/generate_demo_data.py)
  generate.py     every table: reference data, spend, one lead at a time end to end, costs, targets
  finance.py      finance_costs (commissions from the aggregates), ref_kpi_targets
  marketing.py    mkt_touchpoints; billing.py: billing_customers, billing_subscription_events
  crm.py          crm_leads, crm_lead_status_history, crm_opportunities, crm_opportunity_stage_history
  ads.py          ads_spend_daily; reference.py: the reference tables
  context.py      ids, monthly aggregates, the context every generator shares
  writer.py       the CSV and Parquet sinks
  campaigns.py, reps.py, fx.py   campaigns and ads, the sales org, FX rates
  story.py, timeline.py          the story's constants; time helpers, the calendar, the weighted pick
"""
