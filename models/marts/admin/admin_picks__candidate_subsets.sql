{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/picks/{date}.json, part `candidates[].subsets`: one row per candidate and subset it
-- qualified for (contract §4). Published: a pick of that subset (the record once the day is
-- locked), with its rank there. Not published: it qualifies under this run's rules but is
-- not a pick, ranked past the subset's top_n (or, on a locked day, not in its record),
-- with its rank among the qualifiers (int_subset_members_ranked).
-- Incremental by date.
with published as (
    select
        game_date,
        system_id,
        player_lookup,
        game_id,
        list_id as subset_id,
        pick_rank
    from {{ ref('int_picks_published') }}
    where {{ rebuilt_dates('game_date') }}
),

qualified as (
    select
        game_date,
        system_id,
        player_lookup,
        game_id,
        subset_id,
        subset_rank as pick_rank
    from {{ ref('int_subset_members_ranked') }}
    where {{ rebuilt_dates('game_date') }}
),

members as (
    select
        *,
        true as is_published
    from published
    union all
    select
        *,
        false as is_published
    from qualified
    where not exists (
            select 1 from published
            where
                published.game_date = qualified.game_date
                and published.subset_id = qualified.subset_id
                and published.system_id = qualified.system_id
                and published.player_lookup = qualified.player_lookup
                and published.game_id = qualified.game_id
        )
)

select
    members.game_date as date,
    members.system_id,
    members.player_lookup,
    members.game_id,
    definitions.subset_id,
    definitions.public_id as subset_public_id,
    members.pick_rank as subset_rank,
    members.is_published
from members
inner join {{ ref('subset_definitions') }} as definitions
    on members.subset_id = definitions.subset_id
