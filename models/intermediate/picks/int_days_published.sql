{{ config(materialized='view') }}
-- The day facts as published (contract §3 Lock at tip-off): for a locked day the record
-- (int_days_locked: its market signal per system, each system's health state entering the
-- day, and which system was the champion), else what this run computes
-- (int_market_signals_daily), provisional until the day's last tip-off. So a locked day keeps
-- the champion it was published with when var champion_system_id changes later. The days up
-- to the current slate only (contract §4 Current slate: the public files show no later date).
-- Grain: one row per game_date x system_id.
{{ recorded_or_computed(
    ref('int_days_locked'), ref('int_market_signals_daily'),
    columns=['game_date', 'system_id', 'candidate_count', 'over_count', 'high_edge_picks',
        'has_signal', 'pct_over', 'skew', 'signal', 'state_entering_day', 'is_champion'],
    where=not_after_current_slate('game_date'),
) }}
