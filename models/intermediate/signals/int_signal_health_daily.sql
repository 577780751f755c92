{{ config(**fact_table_config(cluster_by=['signal_tag'])) }}
-- contract §3 Signal health. One row per allowlisted tag x game date: hit rate (with its
-- Wilson 95 % bounds) of the champion's graded picks carrying the tag over the last 7
-- days and the season (as of the date), divergence = hr_7d - hr_season, regime HOT
-- (> +threshold), COLD (< -threshold), else NORMAL (null while either rate is undefined).
-- Tags not on the allowlist are dropped here, so they reach nothing downstream.
-- Incremental by game_date: a date rebuilt reads its season's tags and grades.
with tags as (
    select tags.*
    from {{ ref('stg_nba_predictions__pick_signal_tags') }} as tags
    inner join {{ ref('signal_allowlist') }} as allowlist
        on tags.signal_tag = allowlist.signal_tag
    where tags.system_id = {{ champion_system_id() }} and {{ rebuilt_history('tags.game_date') }}
),

facts as (
    select
        tags.signal_tag,
        graded.game_date,
        sum(case when graded.grade = 'win' then 1 else 0 end) as wins,
        sum(case when graded.grade = 'loss' then 1 else 0 end) as losses
    from tags
    inner join {{ ref('int_candidates_graded') }} as graded
        on tags.game_date = graded.game_date
        and tags.player_lookup = graded.player_lookup
        and tags.system_id = graded.system_id
    where {{ rebuilt_history('graded.game_date') }}
    group by tags.signal_tag, graded.game_date
),

calendar as (
    select * from {{ ref('int_game_dates_calendared') }}
    where {{ rebuilt_dates() }}
),

windowed as (
    {{ windowed_sums(
        facts='facts',
        keys=['signal_tag'],
        measures=['wins', 'losses'],
        windows=['last_7_days', 'season'],
    ) | indent(4) }}
),

spine as (
    select
        calendar.game_date,
        allowlist.signal_tag
    from calendar
    cross join {{ ref('signal_allowlist') }} as allowlist
),

counted as (
    select
        spine.game_date,
        spine.signal_tag,
        coalesce(w7.wins, 0) as wins_7d,
        coalesce(w7.losses, 0) as losses_7d,
        coalesce(season.wins, 0) as wins_season,
        coalesce(season.losses, 0) as losses_season
    from spine
    left join windowed as w7
        on spine.game_date = w7.as_of_date
        and spine.signal_tag = w7.signal_tag
        and w7.window_name = 'last_7_days'
    left join windowed as season
        on spine.game_date = season.as_of_date
        and spine.signal_tag = season.signal_tag
        and season.window_name = 'season'
),

measured as (
    select
        game_date,
        signal_tag,
        cast(wins_7d + losses_7d as {{ dbt.type_bigint() }}) as n_7d,
        {{ hit_rate_with_interval('wins_7d', 'losses_7d', 'hit_rate_7d') }},
        cast(wins_season + losses_season as {{ dbt.type_bigint() }}) as n_season,
        {{ hit_rate_with_interval('wins_season', 'losses_season', 'hit_rate_season') }}
    from counted
),

diverged as (
    select
        *,
        {{ round_float('hit_rate_7d - hit_rate_season', 1) }} as divergence
    from measured
)

-- the regime compares the published (1 dp) divergence: 11.1 - 21.1 is -10.000000000000002
-- in floating point, published as -10.0, which is NORMAL
select
    *,
    case
        when divergence is null then null
        when divergence > {{ var('signal_regime_threshold') }} then 'HOT'
        when divergence < -{{ var('signal_regime_threshold') }} then 'COLD'
        else 'NORMAL'
    end as regime
from diverged
