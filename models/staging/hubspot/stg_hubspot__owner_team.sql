-- HubSpot owner_team: an owner's membership of a team (is_team_primary).
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'owner_team', ['owner_id', 'team_id', 'is_team_primary:boolean']) }}
