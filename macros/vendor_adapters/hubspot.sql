{#- HubSpot adapter helpers for the mapping models (models/intermediate/vendor_adapters/hubspot/), over the
    staging models stg_hubspot__<table> (models/staging/hubspot/) only.

    hubspot_merged_contact_ctes(): two CTEs, `contact_merges` (stg_hubspot__contact_merge_audit) and
    `merged_contacts` (contact_key: a merged-away contact id, canonical_key: the contact it lives on in): one row
    per merged-away contact (its latest merge when the audit lists it several times, so nothing fans out), a
    chain of merges followed up to four steps (A into B, B into C: A and B live on in C). A contact id that is
    not merged away is its own canonical contact.

    hubspot_canonical_contact(alias, column): the canonical contact of a contact id column, given a left join of
    merged_contacts as `alias`. -#}
{% macro hubspot_merged_contact_ctes() -%}
contact_merges as (

    select
        canonical_vid,
        vid_to_merge,
        merged_at
    from {{ ref('stg_hubspot__contact_merge_audit') }}

),

-- one merge per merged-away contact: its latest (a contact id can appear in several audit rows: when B, which
-- absorbed A, is merged into C, C's audit lists A again), ties by the higher canonical id
merge_events as (

    select
        {{ vendor_text('vid_to_merge') }} as contact_key,
        {{ vendor_text('canonical_vid') }} as canonical_key,
        row_number() over (
            partition by {{ vendor_text('vid_to_merge') }}
            order by {{ vendor_timestamp('merged_at') }} desc nulls last, {{ vendor_text('canonical_vid') }} desc
        ) as merge_rank
    from contact_merges
    where
        {{ vendor_text('vid_to_merge') }} is not null
        and {{ vendor_text('canonical_vid') }} is not null
        and {{ vendor_text('vid_to_merge') }} <> {{ vendor_text('canonical_vid') }}

),

merge_pairs as (

    select
        contact_key,
        canonical_key
    from merge_events
    where merge_rank = 1

),

-- a chain of merges (A into B, B into C, C into D) followed up to four steps: one canonical contact per id
merged_contacts as (

    select
        merge_pairs.contact_key,
        coalesce(
            fourth_merge.canonical_key, third_merge.canonical_key, second_merge.canonical_key,
            merge_pairs.canonical_key
        ) as canonical_key
    from merge_pairs
    left join merge_pairs as second_merge
        on merge_pairs.canonical_key = second_merge.contact_key
    left join merge_pairs as third_merge
        on second_merge.canonical_key = third_merge.contact_key
    left join merge_pairs as fourth_merge
        on third_merge.canonical_key = fourth_merge.contact_key

),
{%- endmacro %}


{% macro hubspot_canonical_contact(alias, column) -%}
    coalesce({{ alias }}.canonical_key, {{ vendor_text(column) }})
{%- endmacro %}


{#- hubspot_live_contacts_cte(columns): the CTE `live_contacts`: the contacts of stg_hubspot__contact (the listed
    columns, plus id, _fivetran_deleted, is_deleted) that are neither deleted nor merged away into another contact;
    needs merged_contacts (hubspot_merged_contact_ctes) before it. -#}
{% macro hubspot_live_contacts_cte(columns) -%}
contacts as (

    select
        id,
        _fivetran_deleted,
        is_deleted
        {%- for column in columns %},
        {{ column.split('>')[-1].split(':')[0] }}
        {%- endfor %}
    from {{ ref('stg_hubspot__contact') }}

),

live_contacts as (

    select contacts.*
    from contacts
    left join merged_contacts
        on {{ vendor_text('contacts.id') }} = merged_contacts.contact_key
    where
        merged_contacts.contact_key is null
        and not {{ vendor_is_true('contacts._fivetran_deleted') }}
        and not {{ vendor_is_true('contacts.is_deleted') }}

),
{%- endmacro %}


{#- hubspot_team_member_ctes(): the CTE `team_members` (team_key, owner_key, is_primary, owner_created_at: the
    owner_team rows with the owner's creation: stg_hubspot__owner_team, stg_hubspot__owner).
    hubspot_team_manager_ctes(), after it: `team_managers`
    (team_key, manager_key): var hubspot_team_managers ({team id: owner id}) when it names the team, else the
    team's primary member who became an owner first (ties: the lowest id). -#}
{% macro hubspot_team_member_ctes() -%}
owner_teams as (

    select
        owner_id,
        team_id,
        is_team_primary
    from {{ ref('stg_hubspot__owner_team') }}

),

team_owners as (

    select
        owner_id,
        created_at
    from {{ ref('stg_hubspot__owner') }}

),

team_members as (

    select
        {{ vendor_text('owner_teams.team_id') }} as team_key,
        {{ vendor_text('owner_teams.owner_id') }} as owner_key,
        coalesce({{ vendor_bool('owner_teams.is_team_primary') }}, true) as is_primary,
        {{ vendor_timestamp('team_owners.created_at') }} as owner_created_at
    from owner_teams
    left join team_owners
        on {{ vendor_text('owner_teams.owner_id') }} = {{ vendor_text('team_owners.owner_id') }}

),
{%- endmacro %}


{% macro hubspot_team_manager_ctes() -%}
    {%- set configured = adapter_setting('hubspot_team_managers') or {} %}
ranked_members as (

    select
        team_key,
        owner_key,
        row_number() over (
            partition by team_key
            order by case when is_primary then 0 else 1 end, owner_created_at, owner_key
        ) as member_rank
    from team_members

),

team_managers as (

    select
        team_key,
        {%- if configured %}
        case team_key
            {%- for team, owner in configured.items() %}
            when '{{ team }}' then '{{ owner }}'
            {%- endfor %}
            else owner_key
        end as manager_key
        {%- else %}
        owner_key as manager_key
        {%- endif %}
    from ranked_members
    where member_rank = 1

),
{%- endmacro %}


{#- hubspot_stage_ctes(): the CTEs `pipeline_stage_rows` (stg_hubspot__deal_pipeline_stage) and `pipeline_stages`
    (stage_key, pipeline_key, contract_stage): closed_won when the stage is closed won, closed_lost when it is
    another closed stage, else the stage id or label through var hubspot_deal_stage_map, else the stage's
    probability (0-1, as percent) in bands (open_stage_from_probability), else the stage id lower-cased (which
    the contract quarantines as not accepted). -#}
{% macro hubspot_stage_ctes() -%}
    {%- set stage_map = adapter_setting('hubspot_deal_stage_map') %}
pipeline_stage_rows as (

    select
        stage_id,
        pipeline_id,
        label,
        probability,
        closed_won,
        is_closed
    from {{ ref('stg_hubspot__deal_pipeline_stage') }}

),

pipeline_stages as (

    select
        {{ vendor_text('stage_id') }} as stage_key,
        {{ vendor_text('pipeline_id') }} as pipeline_key,
        case
            when {{ vendor_is_true('closed_won') }} then 'closed_won'
            when {{ vendor_is_true('is_closed') }} then 'closed_lost'
            else coalesce(
                {{ vendor_value_map('stage_id', stage_map) | indent(16) }},
                {{ vendor_value_map('label', stage_map) | indent(16) }},
                {{ open_stage_from_probability(vendor_decimal('probability') ~ ' * 100') | indent(16) }},
                lower(trim({{ vendor_text('stage_id') }}))
            )
        end as contract_stage
    from pipeline_stage_rows

),
{%- endmacro %}


{#- hubspot_current_deals_cte(columns): the CTEs `deals` (stg_hubspot__deal: deal_id, the deletion flags,
    deal_pipeline_id and the listed columns) and `current_deals`: the deals neither deleted (is_deleted,
    _fivetran_deleted) nor in a pipeline left out by var hubspot_deal_pipelines (a list of pipeline ids; null:
    every pipeline). -#}
{% macro hubspot_current_deals_cte(columns) -%}
    {%- set pipelines = adapter_setting('hubspot_deal_pipelines') %}
deals as (

    select
        deal_id,
        is_deleted,
        _fivetran_deleted,
        deal_pipeline_id
        {%- for column in columns %},
        {{ column.split('>')[-1].split(':')[0] }}
        {%- endfor %}
    from {{ ref('stg_hubspot__deal') }}

),

current_deals as (

    select * from deals
    where
        not {{ vendor_is_true('is_deleted') }}
        and not {{ vendor_is_true('_fivetran_deleted') }}
        {%- if pipelines is not none %}
        and {{ vendor_value_in('deal_pipeline_id', pipelines) }}
        {%- endif %}

),
{%- endmacro %}


{#- hubspot_touch_type(expression): the touch type of a form title or conversion event name: the first keyword of
    var hubspot_form_touch_keywords it contains (case-insensitive), else var hubspot_default_form_touch_type. -#}
{% macro hubspot_touch_type(expression) -%}
    {%- set keywords = adapter_setting('hubspot_form_touch_keywords') -%}
    case
        {%- for keyword, touch_type in keywords.items() %}
        when lower({{ vendor_text(expression) }}) like '%{{ keyword | lower }}%' then '{{ touch_type }}'
        {%- endfor %}
        else '{{ adapter_setting("hubspot_default_form_touch_type") }}'
    end
{%- endmacro %}
