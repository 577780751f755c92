-- The picks as published (contract §3 Lock at tip-off): for a locked day (in int_days_locked)
-- the record (int_picks_locked); for a day not locked yet, the picks this run computes
-- (int_picks_computed), provisional until the day's last tip-off. Every public pick, every
-- record and every performance figure reads its picks here.
-- Grain: one row per game_date x list_id x player x game (list_id: a subset_id, or
-- 'best_bets').
{%- set columns = ['game_date', 'list_id', 'pick_rank', 'player_lookup', 'game_id', 'system_id',
    'prediction_id', 'recommendation', 'points_line', 'american_odds', 'top_n'] %}
with locked_days as (
    select distinct game_date from {{ ref('int_days_locked') }}
)

select
    {{ columns | join(', ') }},
    true as is_locked
from {{ ref('int_picks_locked') }}
where game_date in (select locked_days.game_date from locked_days)

union all

select
    {{ columns | join(', ') }},
    false as is_locked
from {{ ref('int_picks_computed') }}
where game_date not in (select locked_days.game_date from locked_days)
