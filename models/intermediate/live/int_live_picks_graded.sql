-- Tonight's champion picks graded live from the in-progress box scores (contract §4
-- live-grading). The live status rule lives here and only here.
--
-- Which picks: the same candidates the picks endpoint shows. Every candidate of the
-- night's champion (macro day_champion_system_id: the one recorded when the night locked, so a
-- champion switched the morning after leaves the night's file alone; this run's before
-- the lock) on the live date that is a published pick of at
-- least one subset (int_picks_published: the locked record once the night's last game
-- has tipped off), once per player-game however many subsets hold it; pick_rank orders
-- them by composite score (1 = best; ties as everywhere: player, then game).
--
-- Status, from the GAME's state (int_live_boxscores) and the player's row:
--   pending             no live data for the game, the game is scheduled, or the game is
--                       under way but the feed has no points for the player yet;
--   final game          the grade of macro box_score_grade, the rule of the nightly
--                       grading (int_candidates_graded), a player without a row in the
--                       final game being void: win -> correct, loss -> incorrect; void,
--                       push and pending as they are;
--   game in progress    trending_correct when the pick is already on its side of the line
--                       (OVER: points > line; UNDER: points < line);
--                       trending_incorrect when OVER is more than live_trending_incorrect_margin
--                       below the line from period live_late_period on, or UNDER more than
--                       live_trending_incorrect_margin above the line (any period);
--                       in_progress otherwise (too close to call).
{#- the live date, read back from int_live_boxscores (built just before): a constant, so a
    game_date-partitioned candidates table is read for one date only -#}
{%- set night = latest_date_literal(ref('int_live_boxscores')) %}
{%- set pick_columns = ['game_date', 'player_lookup', 'game_id', 'prediction_id', 'pick_id',
    'player_full_name', 'team_abbr', 'is_home', 'game_start_at', 'predicted_points', 'points_line',
    'recommendation', 'composite_score'] %}

with live as (
    select * from {{ ref('int_live_boxscores') }}
),

games as (
    select distinct
        game_id,
        game_status,
        game_period,
        game_clock,
        game_updated_at
    from live
),

picked as (
    select distinct
        {{ pick_columns | join(',\n        ') }}
    from {{ ref('int_picks_published') }}
    where
        list_id != 'best_bets'
        and game_date = {{ night }}
        and system_id = {{ day_champion_system_id(night) | indent(8) }}
),

picks as (
    select
        *,
        row_number() over (order by {{ composite_order() }}) as pick_rank
    from picked
),

joined as (
    select
        picks.*,
        games.game_status,
        games.game_period,
        games.game_clock,
        live.player_lookup is not null as has_live_row,
        live.points,
        live.minutes_clock,
        live.minutes_played,
        live.updated_at
    from picks
    left join games
        on picks.game_id = games.game_id
    left join live
        on picks.player_lookup = live.player_lookup
        and picks.game_id = live.game_id
),

final_graded as (
    select
        *,
        {{ box_score_grade(
            has_row='has_live_row',
            no_row="'void'",
            direction='recommendation',
            line='points_line',
            points='points',
            minutes='minutes_played',
        ) | indent(8) }} as final_grade
    from joined
),

graded as (
    select
        *,
        case
            when game_status is null or game_status = 'scheduled' then 'pending'
            when game_status = 'final'
                then
                    case final_grade
                        when 'win' then 'correct'
                        when 'loss' then 'incorrect'
                        else final_grade
                    end
            when not has_live_row or points is null then 'pending'
            when recommendation = 'OVER' and points > points_line then 'trending_correct'
            when recommendation = 'UNDER' and points < points_line then 'trending_correct'
            when recommendation = 'OVER'
                and points < points_line - {{ var('live_trending_incorrect_margin') }}
                and game_period >= {{ var('live_late_period') }}
                then 'trending_incorrect'
            when recommendation = 'UNDER'
                and points > points_line + {{ var('live_trending_incorrect_margin') }}
                then 'trending_incorrect'
            else 'in_progress'
        end as live_status
    from final_graded
)

select
    {{ pick_columns | join(',\n    ') }},
    cast(pick_rank as {{ dbt.type_bigint() }}) as pick_rank,
    game_status,
    game_period,
    game_clock,
    has_live_row,
    points,
    minutes_clock,
    minutes_played,
    updated_at,
    live_status
from graded
