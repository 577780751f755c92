{{ config(**fact_table_config(cluster_by=['system_id', 'player_lookup'])) }}
-- contract §3 Grading. One row per candidate (player x game x system), never two, carrying
-- every column of int_candidates_scored, so every model downstream reads the candidate
-- from here (one path for its columns). The candidates of a fixed game (one that has
-- tipped off: int_games_locked, this run's included) are the ones fixed at its tip-off
-- (int_candidates_locked), and no others; the candidates of a game still to tip off are
-- computed on this run (int_candidates_scored). Its grade is recomputed from the box
-- scores on every run (a stat correction regrades a locked candidate):
--   the rule of macro box_score_grade (void: did not play; pending: no points yet; push,
--   win, loss), where a candidate without a box-score row is void once box scores of a
--   later date are loaded, or once its game's box scores are loaded (other players' rows)
--   and the day after the game is over by the run's clock (macro run_clock: the "day
--   after" rule; a break or the season's last night has no later date for weeks), else
--   pending (a game without any row, a feed late or down, stays pending until a later
--   date's box scores are loaded: tests/data/game_without_box_scores.sql warns); a row dated
--   more than a day after the candidate's game date (a game played weeks later under its
--   game_id) is no row for it (macro box_score_in_time).
-- Price (contract §3 payout): the candidate's american_odds (int_candidates_scored).
-- profit_units: a win pays its payout, a loss costs 1, everything else 0.
-- Incremental: rebuilds the recent dates, every date still holding a pending grade, and
-- every date whose box scores changed since it was graded (a stat correction of any age:
-- the drift check below compares the grades kept here with today's box scores on every
-- run); graded_at (the start of the run that wrote the row) tells every model downstream of
-- the grades which rows were written since its own last build: it rebuilds from the first
-- of them (macros incremental_rebuild_start, changed_since_last_build).
-- A game's box scores carry its date, so they are read for those dates only.
{%- set drift -%}
    (
        select min(kept.game_date)
        from {{ this }} as kept
        left join {{ ref('stg_nba_analytics__player_game_summary') }} as current_box
            on kept.player_lookup = current_box.player_lookup
            and kept.game_id = current_box.game_id
            and {{ box_score_in_time('current_box.game_date', 'kept.game_date') }}
        where
            kept.has_box_score != (current_box.player_lookup is not null)
            or coalesce(current_box.points, -1) != coalesce(kept.actual_points, -1)
            or coalesce(current_box.minutes_played, -1) != coalesce(kept.minutes_played, -1)
            or coalesce(current_box.player_status, '') != coalesce(kept.player_status, '')
    )
{%- endset %}
{%- set rebuilt = rebuilt_dates(reopen="grade = 'pending'", extra=drift) %}
{%- set no_row_grade -%}
    case
        when loaded.last_loaded_date > candidates.game_date then 'void'
        when
            games_loaded.game_id is not null
            and {{ run_clock() }} >= cast({{ add_days('candidates.game_date', 2) }} as {{ dbt.type_timestamp() }})
            then 'void'
        else 'pending'
    end
{%- endset %}
with locked as (
    select * from {{ ref('int_candidates_locked') }}
    where {{ rebuilt }}
),

candidates as (
    select {{ candidate_columns() | join(', ') }} from locked
    union all
    select {{ candidate_columns() | join(', ') }} from {{ ref('int_candidates_scored') }} as scored
    where
        {{ rebuilt }}
        and not {{ game_is_fixed('scored.game_id') }}
),

box_scores as (
    select * from {{ ref('stg_nba_analytics__player_game_summary') }}
    where {{ rebuilt }}
),

loaded as (
    select max(game_date) as last_loaded_date from box_scores
),

games_loaded as (
    select
        game_id,
        min(game_date) as first_box_score_date
    from box_scores
    group by game_id
),

graded as (
    select
        candidates.*,
        box_scores.player_lookup is not null as has_box_score,
        box_scores.points as actual_points,
        box_scores.minutes_played,
        box_scores.player_status,
        {{ box_score_grade(
            has_row='box_scores.player_lookup is not null',
            no_row=no_row_grade,
            direction='candidates.recommendation',
            line='candidates.points_line',
            points='box_scores.points',
            minutes='box_scores.minutes_played',
            status='box_scores.player_status',
        ) | indent(8) }} as grade
    from candidates
    cross join loaded
    left join games_loaded
        on candidates.game_id = games_loaded.game_id
        and {{ box_score_in_time('games_loaded.first_box_score_date', 'candidates.game_date') }}
    left join box_scores
        on candidates.player_lookup = box_scores.player_lookup
        and candidates.game_id = box_scores.game_id
        and {{ box_score_in_time('box_scores.game_date', 'candidates.game_date') }}
)

select
    *,
    {{ american_payout('american_odds') }} as win_payout,
    case
        when grade = 'win' then {{ american_payout('american_odds') }}
        when grade = 'loss' then -1.0
        else 0.0
    end as profit_units,
    {{ run_start() }} as graded_at
from graded
