{{ config(**fact_table_config(cluster_by=none)) }}
-- contract §3 Market regime of the champion. One row per game date with champion
-- candidates: max edge, candidates at each edge of var market_edge_thresholds, the
-- 7-day average of the daily max edge, and compression = 7-day average / season
-- average (< 1 = compressed market). Averages are over game days in the window.
-- Incremental by game_date: a date rebuilt reads its season's candidates.
{%- set thresholds = var('market_edge_thresholds') %}
with candidates as (
    select * from {{ ref('int_candidates_graded') }}
    where system_id = {{ champion_system_id() }} and {{ rebuilt_history() }}
),

daily as (
    select
        game_date,
        max(edge) as max_edge,
        {%- for threshold in thresholds %}
        sum(case when edge >= {{ threshold }} then 1 else 0 end) as candidates_edge_{{ threshold }},
        {%- endfor %}
        1 as game_days
    from candidates
    group by game_date
),

windowed as (
    {{ windowed_sums(
        facts='daily',
        keys=[],
        measures=['max_edge', 'game_days'],
        windows=['last_7_days', 'season'],
    ) | indent(4) }}
)

select
    daily.game_date,
    daily.max_edge,
    {%- for threshold in thresholds %}
    cast(daily.candidates_edge_{{ threshold }} as {{ dbt.type_bigint() }})
        as candidates_edge_{{ threshold }},
    {%- endfor %}
    {{ safe_divide('w7.max_edge', 'w7.game_days') }} as avg_max_edge_7d,
    {{ safe_divide('season.max_edge', 'season.game_days') }} as avg_max_edge_season,
    {{ safe_divide(
        safe_divide('w7.max_edge', 'w7.game_days'),
        safe_divide('season.max_edge', 'season.game_days')
    ) }} as compression
from daily
inner join windowed as w7
    on daily.game_date = w7.as_of_date
    and w7.window_name = 'last_7_days'
inner join windowed as season
    on daily.game_date = season.as_of_date
    and season.window_name = 'season'
