{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/picks/{date}.json, part `candidates[].subsets`: one row per candidate and subset it
-- is a published pick of (the record once the day is locked), with its rank there.
-- Incremental by date.
select
    picks.game_date as date,
    cast(picks.system_id as {{ dbt.type_string() }}) as system_id,
    cast(picks.player_lookup as {{ dbt.type_string() }}) as player_lookup,
    cast(picks.game_id as {{ dbt.type_string() }}) as game_id,
    cast(definitions.subset_id as {{ dbt.type_string() }}) as subset_id,
    cast(definitions.public_id as {{ dbt.type_bigint() }}) as subset_public_id,
    cast(picks.pick_rank as {{ dbt.type_bigint() }}) as subset_rank
from {{ ref('int_picks_published') }} as picks
inner join {{ ref('subset_definitions') }} as definitions
    on picks.list_id = definitions.subset_id
where {{ rebuilt_dates('picks.game_date') }}
