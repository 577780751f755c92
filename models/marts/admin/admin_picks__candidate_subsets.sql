{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/picks/{date}.json, part `candidates[].subsets`: one row per candidate and subset it
-- is a published pick of (the record once the day is locked), with its rank there.
-- Incremental by date.
select
    picks.game_date as date,
    picks.system_id,
    picks.player_lookup,
    picks.game_id,
    definitions.subset_id,
    definitions.public_id as subset_public_id,
    picks.pick_rank as subset_rank
from {{ ref('int_picks_published') }} as picks
inner join {{ ref('subset_definitions') }} as definitions
    on picks.list_id = definitions.subset_id
where {{ rebuilt_dates('picks.game_date') }}
