{{ config(**fact_table_config(cluster_by=['list_id'])) }}
-- The picks as published (contract §3 Lock at tip-off), each with its candidate's display
-- fields and current grade: for a locked day the record (int_picks_locked), for a day not
-- locked yet the picks this run computes (int_picks_computed), provisional until the
-- day's last tip-off. Every public pick, every record and every performance figure reads
-- its picks here, and reads nothing else about them.
-- Grain: one row per game_date x list_id x player x game (list_id: a subset_id, or
-- 'best_bets'). Incremental by game_date (the grades of older dates come back through
-- int_candidates_graded's regraded dates: macro incremental_rebuild_start).
with picks as (
    {{ recorded_or_computed(
        ref('int_picks_locked'), ref('int_picks_computed'),
        columns=['game_date', 'list_id', 'pick_rank', 'player_lookup', 'game_id', 'system_id', 'top_n'],
        where=rebuilt_dates(),
    ) | indent(4) }}
)

select
    picks.game_date,
    picks.list_id,
    picks.pick_rank,
    picks.player_lookup,
    picks.game_id,
    picks.system_id,
    picks.top_n,
    picks.is_locked,
    graded.prediction_id,
    graded.pick_id,
    graded.player_full_name,
    graded.team_abbr,
    graded.opponent_team_abbr,
    graded.is_home,
    graded.game_start_at,
    graded.predicted_points,
    graded.recommendation,
    graded.points_line,
    graded.american_odds,
    graded.composite_score,
    graded.actual_points,
    graded.grade,
    graded.profit_units
from picks
inner join {{ ref('int_candidates_graded') }} as graded
    on picks.player_lookup = graded.player_lookup
    and picks.game_id = graded.game_id
    and picks.system_id = graded.system_id
