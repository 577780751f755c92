-- One row per player x game, after the game. player_status lower-cased.
with source as (
    select * from {{ source('nba_analytics', 'player_game_summary') }}
    where {{ within_horizon('game_date', days_ahead=0) }}
),

renamed as (
    select
        {{ fold_player_lookup('player_lookup') }} as player_lookup,
        cast(player_full_name as {{ dbt.type_string() }}) as player_full_name,
        cast(game_id as {{ dbt.type_string() }}) as game_id,
        cast(game_date as date) as game_date,
        upper({{ trim_whitespace('team_abbr') }}) as team_abbr,
        upper({{ trim_whitespace('opponent_team_abbr') }}) as opponent_team_abbr,
        cast(points as {{ dbt.type_bigint() }}) as points,
        cast(minutes_played as {{ type_double() }}) as minutes_played,
        lower({{ trim_whitespace('player_status') }}) as player_status
    from source
)

select distinct * from renamed
