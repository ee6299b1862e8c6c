-- Salesforce stage changes -> the raw layout of crm_opportunity_stage_history (text; typed and checked by
-- base_crm__opportunity_stage_history), from one of two layouts (var salesforce_stage_history):
--   - opportunity_history (default): the OpportunityHistory object, one row per change of stage, amount or close
--     date; a row whose stage differs from the opportunity's previous row (or its first row) is a stage change.
--     It has no owner: the owner is the opportunity's current owner. A stage is closed won / lost when it is the
--     opportunity's current stage and the opportunity is closed (IsWon decides), else by var
--     salesforce_stage_map (which knows Closed Won / Closed Lost), else by probability (100 won, 0 lost: closed
--     stages), else open by probability bands.
--   - history_mode: the loader's history mode of Opportunity (source salesforce_history.opportunity: a row per
--     version, _fivetran_start .. _fivetran_end): a version whose stage differs from the version before is a
--     stage change at _fivetran_start, with that version's owner and IsWon / IsClosed.
-- Both layouts are declared (both sources are in the lineage; a table that does not exist gives no rows); the var
-- keeps one: the other's branch has a constant false filter, so its table is not scanned.
-- Only the changes of opportunities in int_salesforce__crm_opportunities (not deleted) are kept.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set stage_map = adapter_setting('salesforce_stage_map') %}
{%- set layout = adapter_setting('salesforce_stage_history') %}
{%- if layout not in ('opportunity_history', 'history_mode') %}
    {{ exceptions.raise_compiler_error(
        "var salesforce_stage_history must be opportunity_history or history_mode, got '" ~ layout ~ "'"
    ) }}
{%- endif %}

with

opportunities as (

    select
        id,
        is_deleted,
        _fivetran_deleted,
        _fivetran_active,
        owner_id,
        stage_name,
        is_won,
        is_closed
    from {{ ref('stg_salesforce__opportunity') }}

),

current_opportunities as (

    select
        {{ vendor_text('id') }} as opportunity_id,
        {{ vendor_text('owner_id') }} as owner_id,
        lower(trim({{ vendor_text('stage_name') }})) as stage_name,
        {{ vendor_is_true('is_won') }} as is_won,
        {{ vendor_is_true('is_closed') }} as is_closed
    from opportunities
    where
        not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        and coalesce({{ vendor_bool('_fivetran_active') }}, true)

),

-- layout opportunity_history: the OpportunityHistory rows
history as (

    select
        id,
        opportunity_id,
        stage_name,
        probability,
        created_date,
        is_deleted,
        _fivetran_deleted
    from {{ ref('stg_salesforce__opportunity_history') }}

),

history_rows as (

    select
        {{ vendor_text('history.id') }} as stage_event_id,
        {{ vendor_text('history.opportunity_id') }} as opportunity_id,
        {{ vendor_text('history.stage_name') }} as stage_name,
        {{ vendor_decimal('history.probability') }} as probability,
        {{ vendor_timestamp('history.created_date') }} as changed_at,
        current_opportunities.owner_id as owner_rep_id,
        lower(trim({{ vendor_text('history.stage_name') }})) = current_opportunities.stage_name
        and current_opportunities.is_closed as is_current_closed_stage,
        current_opportunities.is_won
    from history
    inner join current_opportunities
        on {{ vendor_text('history.opportunity_id') }} = current_opportunities.opportunity_id
    where
        not {{ vendor_is_true('history.is_deleted') }}
        and not {{ vendor_is_true('history._fivetran_deleted') }}

),

history_stage_rows as (

    select
        stage_event_id,
        opportunity_id,
        changed_at,
        owner_rep_id,
        case
            when is_current_closed_stage and is_won then 'closed_won'
            when is_current_closed_stage then 'closed_lost'
            else coalesce(
                {{ vendor_value_map('stage_name', stage_map) | indent(16) }},
                case when probability >= 100 then 'closed_won' when probability <= 0 then 'closed_lost' end,
                {{ open_stage_from_probability('probability') | indent(16) }},
                lower(trim(stage_name))
            )
        end as stage,
        lower(trim(stage_name)) as stage_key
    from history_rows

),

-- layout history_mode: the versions of Opportunity
versions as (

    select
        id,
        _fivetran_start,
        is_deleted,
        owner_id,
        stage_name,
        probability,
        is_won,
        is_closed
    from {{ ref('stg_salesforce_history__opportunity') }}

),

version_stage_rows as (

    select
        {{ vendor_text('versions.id') }} || ':' || {{ vendor_timestamp_text('versions._fivetran_start') }}
            as stage_event_id,
        {{ vendor_text('versions.id') }} as opportunity_id,
        {{ vendor_timestamp('versions._fivetran_start') }} as changed_at,
        {{ vendor_text('versions.owner_id') }} as owner_rep_id,
        case
            when
                {{ vendor_is_true('versions.is_closed') }}
                and {{ vendor_is_true('versions.is_won') }}
                then 'closed_won'
            when {{ vendor_is_true('versions.is_closed') }} then 'closed_lost'
            else coalesce(
                {{ vendor_value_map('versions.stage_name', stage_map) | indent(16) }},
                {{ open_stage_from_probability(vendor_decimal('versions.probability')) | indent(16) }},
                lower(trim({{ vendor_text('versions.stage_name') }}))
            )
        end as stage,
        lower(trim({{ vendor_text('versions.stage_name') }})) as stage_key
    from versions
    inner join current_opportunities
        on {{ vendor_text('versions.id') }} = current_opportunities.opportunity_id
    where not {{ vendor_is_true('versions.is_deleted') }}

),

-- the layout of var salesforce_stage_history
stage_rows as (

    select * from history_stage_rows
    where '{{ layout }}' = 'opportunity_history'

    union all

    select * from version_stage_rows
    where '{{ layout }}' = 'history_mode'

),

-- a stage change: the first row of an opportunity, or a row whose stage differs from the row before it
sequenced as (

    select
        stage_rows.*,
        lag(stage_rows.stage_key) over (
            partition by stage_rows.opportunity_id
            order by stage_rows.changed_at, stage_rows.stage_event_id
        ) as previous_stage_key
    from stage_rows

),

mapped as (

    select
        stage_event_id,
        opportunity_id,
        stage,
        cast(changed_at as {{ dbt.type_string() }}) as changed_at,
        owner_rep_id
    from sequenced
    where previous_stage_key is null or previous_stage_key <> stage_key

)

select * from mapped
