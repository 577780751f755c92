-- One row per player x game, known before tip-off. Display names keep what the
-- source sent (accents included); the key is folded. A tip-off past its game date and the
-- day after is ignored (macro tipoff_not_past_its_date: a bad row, named by a warning).
with source as (
    select * from {{ source('nba_analytics', 'upcoming_player_game_context') }}
    where {{ within_horizon('game_date') }}
),

renamed as (
    select
        {{ fold_player_lookup('player_lookup') }} as player_lookup,
        cast(player_full_name as {{ dbt.type_string() }}) as player_full_name,
        cast(game_id as {{ dbt.type_string() }}) as game_id,
        cast(game_date as date) as game_date,
        upper({{ trim_whitespace('team_abbr') }}) as team_abbr,
        upper({{ trim_whitespace('opponent_team_abbr') }}) as opponent_team_abbr,
        cast(is_home as boolean) as is_home,
        case
            when {{ tipoff_not_past_its_date('game_start_at', 'game_date') }}
                then cast(game_start_at as {{ dbt.type_timestamp() }})
        end as game_start_at
    from source
)

select distinct * from renamed
