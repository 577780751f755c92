{{ config(materialized='view') }}
-- The day facts as published (contract §3 Lock at tip-off): for a locked day the record
-- (int_days_locked: its market signal per system and each system's health state entering
-- the day), else what this run computes (int_market_signals_daily), provisional until the
-- day's last tip-off. Grain: one row per game_date x system_id.
{%- set columns = ['game_date', 'system_id', 'candidate_count', 'over_count', 'high_edge_picks',
    'has_signal', 'pct_over', 'skew', 'signal', 'state_entering_day'] %}
with locked_days as (
    select distinct game_date from {{ ref('int_days_locked') }}
)

select
    {{ columns | join(', ') }},
    true as is_locked
from {{ ref('int_days_locked') }}

union all

select
    {{ columns | join(', ') }},
    false as is_locked
from {{ ref('int_market_signals_daily') }}
where game_date not in (select locked_days.game_date from locked_days)
