{#- contract §3 Lock at tip-off (docs/decisions.md "The record is what users saw").

    A game's candidates are fixed at its tip-off; a day's picks (subset members and best
    bets) and its market signal are locked when the day's last game tips off. The clock
    that decides is run_clock() (PROPS_CLOCK, else the run's start): the run's clock in
    production, a chosen clock for replays, tests and the demo. -#}

{#- When a game locks: its tip-off (game_start_at of the pre-game context), or the end of
    its game date (UTC) for a game without a start time. -#}
{% macro lock_time(tipoff_at, game_date) -%}
    coalesce(
        cast({{ tipoff_at }} as {{ dbt.type_timestamp() }}),
        cast({{ add_days(game_date, 1) }} as {{ dbt.type_timestamp() }})
    )
{%- endmacro %}

{#- One row per game (game_id) of the pre-game context with its tip-off: the earliest
    game_start_at of its players' rows (null when none has one). A game's lock is one time
    for all its players, also for a player the context has no row for. where: an optional
    condition on the context rows (rebuilt_dates()). -#}
{% macro game_tipoffs(where=none) -%}
    select
        game_id,
        min(game_start_at) as game_start_at
    from {{ ref('stg_nba_analytics__upcoming_player_game_context') }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
    group by game_id
{%- endmacro %}

{#- True when the game `game_id` of a row dated `game_date` is no longer on that date: the
    pre-game context lists the game, on other dates only (a postponement, or a game brought
    forward; stg_nba_analytics__game_schedule, rows past the feeds' horizon included, so a
    game moved weeks ahead counts too). A prediction of such a row is no candidate and counts
    for no day's lock or fixed game: the game is picked on its new date only (docs/bad_inputs.md,
    a postponed game). One stray row of the game on another date (a bad row for one player)
    moves nothing while its other rows keep the date. -#}
{% macro moved_to_another_date(game_id, game_date) -%}
    (
        exists (
            select 1 from {{ ref('stg_nba_analytics__game_schedule') }} as schedule
            where schedule.game_id = {{ game_id }} and schedule.game_date <> {{ game_date }}
        )
        and not exists (
            select 1 from {{ ref('stg_nba_analytics__game_schedule') }} as schedule
            where schedule.game_id = {{ game_id }} and schedule.game_date = {{ game_date }}
        )
    )
{%- endmacro %}

{#- The date the pre-game context now lists the game `game_id` on when it has moved the game
    off `game_date` (macro moved_to_another_date): the earliest of its dates there; null when
    the game has not moved. -#}
{% macro moved_to_date(game_id, game_date) -%}
    case
        when {{ moved_to_another_date(game_id, game_date) }}
            then (
                select min(schedule.game_date) from {{ ref('stg_nba_analytics__game_schedule') }} as schedule
                where schedule.game_id = {{ game_id }}
            )
    end
{%- endmacro %}

{#- Each row of `games` (a relation or CTE with game_id and game_date) with the lock time of
    its game as locks_at (macro lock_time of its tip-off, macro game_tipoffs). -#}
{% macro with_lock_times(games) -%}
    select
        games.game_id,
        games.game_date,
        {{ lock_time('tipoffs.game_start_at', 'games.game_date') }} as locks_at
    from {{ games }} as games
    left join ({{ game_tipoffs() }}) as tipoffs
        on games.game_id = tipoffs.game_id
{%- endmacro %}

{#- One row per game_date of `games` (a relation or CTE with game_id and game_date) with the
    moment the day locks, day_locks_at: the latest lock time of its games (with_lock_times). -#}
{% macro day_lock_times(games) -%}
    select
        timed.game_date,
        max(timed.locks_at) as day_locks_at
    from ({{ with_lock_times(games) | indent(4) }}) as timed
    group by timed.game_date
{%- endmacro %}

{#- True when the game `game_id` is fixed: in the record of fixed games (int_games_locked,
    this run's included). Its candidates are then the recorded ones, and only those. -#}
{% macro game_is_fixed(game_id) -%}
    exists (
        select 1 from {{ ref('int_games_locked') }} as fixed
        where fixed.game_id = {{ game_id }}
    )
{%- endmacro %}

{#- True when the game date `date_column` is the current slate or before it (int_current_slate,
    contract §4 Current slate): the dates the public {date} endpoints show. -#}
{% macro not_after_current_slate(date_column) -%}
    {{ date_column }} <= (select current_slate.slate_date from {{ ref('int_current_slate') }} as current_slate)
{%- endmacro %}

{#- The date of best-bets/all.json: the last game date with predictions up to the current slate
    (int_current_slate.latest_date), as a scalar subquery. -#}
{% macro latest_public_date() -%}
    (select current_slate.latest_date from {{ ref('int_current_slate') }} as current_slate)
{%- endmacro %}

{#- Config of the append-only record (int_candidates_locked, int_games_locked,
    int_picks_locked, int_groups_locked, int_days_locked) and of the log of game moves
    (int_game_moves): incremental, insert-only, never rebuilt by
    --full-refresh (unless the deliberate rebuild: var rebuild_record, `make rebuild-record`).
    A column added later is appended (null in the rows recorded before it); readers
    select the record's columns by name.
    DuckDB: append. BigQuery: partitioned by day on date_column, clustered; a MERGE
    without unique key (ON FALSE: WHEN NOT MATCHED THEN INSERT only), so no statement
    rewrites a partition. The model's SQL selects only rows not yet recorded. -#}
{% macro locked_table_config(cluster_by, date_column='game_date') -%}
    {%- set config = {
        'materialized': 'incremental',
        'on_schema_change': 'append_new_columns',
        'full_refresh': none if var('rebuild_record', false) else false,
    } -%}
    {%- if target.type == 'bigquery' -%}
        {%- do config.update(bigquery_table_layout(date_column, cluster_by)) -%}
        {%- do config.update({'incremental_strategy': 'merge'}) -%}
    {%- else -%}
        {%- do config.update({'incremental_strategy': 'append'}) -%}
    {%- endif -%}
    {{ return(config) }}
{%- endmacro %}

{#- The days whose last game has tipped off by the run's clock (int_game_dates_calendared
    .day_locks_at) and that no earlier run locked (int_days_locked, macro locked_before): the
    days the record's tables (int_picks_locked, int_groups_locked) add this run. -#}
{% macro days_locking_now() -%}
    select game_date from {{ ref('int_game_dates_calendared') }}
    where
        day_locks_at <= {{ run_clock() }}
        and not {{ locked_before('game_date') }}
{%- endmacro %}

{#- The relation of the record `record` (int_days_locked, int_games_locked) as it stood when
    this run began, looked up in the graph: its readers here (int_candidates_locked,
    int_picks_locked, the calendar int_game_dates_calendared, the log int_game_moves) run
    before it, as it depends on them, so they read it as a relation, not through ref(). None
    before the record exists, when compiling (offline), and in a unit test. -#}
{% macro record_before(record) -%}
    {%- if not execute or this is none or var('offline', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ record) -%}
    {{ return(adapter.get_relation(node.database, node.schema, node.alias)) }}
{%- endmacro %}

{#- What an EARLIER run put in the record `record` (macro record_before): a condition on
    `column`, true when its value is a `key` of that record, else `false` when the record does
    not exist yet or the model is rebuilt from scratch (a first build starts a new record).
    Defaults: the days already locked (int_days_locked, by game_date); int_candidates_locked
    also reads the games already fixed (int_games_locked, by game_id). -#}
{% macro locked_before(column, record='int_days_locked', key='game_date') -%}
    {%- set relation = record_before(record) if incremental_run() else none -%}
    {%- if relation is none -%}
        false
    {%- else -%}
        {{ column }} in (select recorded.{{ key }} from {{ relation }} as recorded)
    {%- endif -%}
{%- endmacro %}

{#- The game dates of the record of locked days (int_days_locked, macro record_before), as a
    select of game_date, for the calendar (int_game_dates_calendared), a table rebuilt on every
    run; a select of no row when there is no such record or it is rebuilt from scratch (var
    rebuild_record). -#}
{% macro recorded_days() -%}
    {%- set relation = none if var('rebuild_record', false) else record_before('int_days_locked') -%}
    {%- if relation is none -%}
        select cast(null as date) as game_date from (select 1 as no_row) as nothing where false
    {%- else -%}
        select recorded.game_date from {{ relation }} as recorded
    {%- endif -%}
{%- endmacro %}

{#- The columns of a prediction row that int_candidates_selected ranks, by name: the feed's
    (stg_nba_predictions__player_prop_predictions) and the ones seen before a tip-off
    (int_predictions_sighted) are read the same way. -#}
{% macro prediction_columns() -%}
    {{ return([
        'prediction_id', 'system_id', 'player_lookup', 'game_id', 'game_date', 'predicted_points',
        'confidence_score', 'recommendation', 'points_line', 'created_at', 'is_active',
    ]) }}
{%- endmacro %}

{#- contract §3 Candidates: the order that ranks the prediction rows of a (player, game, system)
    created before its tip-off, the latest first: is_active first, then the newest created_at,
    prediction_id breaking exact ties (int_candidates_selected, int_predictions_sighted). -#}
{% macro latest_prediction_first() -%}
    is_active desc, created_at desc, prediction_id desc
{%- endmacro %}

{#- contract §3 Candidates: the latest row of a (player, game, system) is a candidate only when it
    recommends OVER or UNDER on a valid line (above var line_min_exclusive, at most var line_max):
    PASS, NO_LINE and invalid lines never are (int_candidates_selected, int_candidates_locked). -#}
{% macro picks_a_side_on_a_valid_line() -%}
    recommendation in ('OVER', 'UNDER')
    and points_line > {{ var('line_min_exclusive') }}
    and points_line <= {{ var('line_max') }}
{%- endmacro %}

{#- The columns of a candidate (int_candidates_scored, int_candidates_locked), by name, so
    the record and the candidates of this run are read the same way. -#}
{% macro candidate_columns() -%}
    {{ return([
        'prediction_id', 'system_id', 'player_lookup', 'game_id', 'game_date', 'pick_id',
        'player_full_name', 'team_abbr', 'opponent_team_abbr', 'is_home', 'game_start_at', 'locks_at',
        'predicted_points', 'confidence_score', 'recommendation', 'points_line', 'created_at',
        'signed_margin', 'edge', 'composite_score', 'edge_tier',
        'american_odds', 'has_book_price', 'price_bookmaker', 'price_snapshot_at', 'price_line_role',
    ]) }}
{%- endmacro %}

{#- The rows as published (contract §3 Lock at tip-off): the recorded rows of a locked day
    (a day in int_days_locked), the computed rows of any other day, by name (`columns`),
    with is_locked. recorded, computed: relations; where: a condition on both (e.g. the
    dates a run rebuilds). -#}
{% macro recorded_or_computed(recorded, computed, columns, where='true') -%}
    select
        {{ columns | join(', ') }},
        true as is_locked
    from {{ recorded }}
    where
        {{ where }}
        and game_date in (select locked_days.game_date from {{ ref('int_days_locked') }} as locked_days)

    union all

    select
        {{ columns | join(', ') }},
        false as is_locked
    from {{ computed }}
    where
        {{ where }}
        and game_date not in (select locked_days.game_date from {{ ref('int_days_locked') }} as locked_days)
{%- endmacro %}

{#- The rows a day locking now is recorded with (contract §3 Lock at tip-off): the rows the last
    build that passed showed (`shown`) for a day it showed as this run would lock it
    (int_days_shown), this run's (`computed`) for any other day; of the days of `days` only.
    shown, computed, days: relations, CTEs or parenthesized selects with a game_date column;
    shown and computed have the same columns in the same order (macro shown_rows). -#}
{% macro shown_or_computed(shown, computed, days) -%}
    select shown_rows.*
    from {{ shown }} as shown_rows
    inner join {{ days }} as days on shown_rows.game_date = days.game_date
    where shown_rows.game_date in (select shown_days.game_date from {{ ref('int_days_shown') }} as shown_days)

    union all

    select computed_rows.*
    from {{ computed }} as computed_rows
    inner join {{ days }} as days on computed_rows.game_date = days.game_date
    where computed_rows.game_date not in (select shown_days.game_date from {{ ref('int_days_shown') }} as shown_days)
{%- endmacro %}
