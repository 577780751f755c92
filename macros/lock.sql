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

{#- Config of the append-only record (int_candidates_locked, int_picks_locked,
    int_days_locked): incremental, insert-only, never rebuilt by --full-refresh (unless
    the deliberate rebuild: var rebuild_record, `make rebuild-record`).
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

{#- The days already in the record: a condition on `date_column` that is true for a game
    date locked by an EARLIER run (int_days_locked as it stood when this run began), else
    `false` when nothing is locked yet or the model is rebuilt from scratch.
    int_candidates_locked and int_picks_locked run before int_days_locked (which depends on
    them), so they read the day lock as a relation, not through ref(). -#}
{% macro locked_before(date_column) -%}
    {#- a model rebuilt from scratch (first build, rebuild_record) starts a new record -#}
    {%- set relation = adapter.get_relation(this.database, this.schema, 'int_days_locked')
        if execute and incremental_run() else none -%}
    {%- if relation is none -%}
        false
    {%- else -%}
        {{ date_column }} in (select locked_days.game_date from {{ relation }} as locked_days)
    {%- endif -%}
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
