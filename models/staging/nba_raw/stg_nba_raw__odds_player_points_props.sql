-- One row per snapshot x book x player x game x line: real books post alternate lines
-- (a ladder of several lines per player in one snapshot, each with its own prices), so
-- the line is part of the grain. Rows repeated byte for byte (also once the player key
-- is folded: 'Nikola Jokić' and 'Nikola Jokic' are one player) collapse to one; two
-- different prices for one key fail the primary-key test, naming the rows. A null price
-- (a side the book does not offer) is kept as null: no price, never a zero.
with source as (
    select * from {{ source('nba_raw', 'odds_player_points_props') }}
    where {{ within_horizon('game_date') }}
),

renamed as (
    select
        cast(game_date as date) as game_date,
        cast(game_id as {{ dbt.type_string() }}) as game_id,
        {{ fold_player_lookup('player_lookup') }} as player_lookup,
        lower({{ trim_whitespace('bookmaker') }}) as bookmaker,
        cast(points_line as {{ type_double() }}) as points_line,
        cast(over_odds as {{ dbt.type_bigint() }}) as over_odds,
        cast(under_odds as {{ dbt.type_bigint() }}) as under_odds,
        cast(snapshot_at as {{ dbt.type_timestamp() }}) as snapshot_at
    from source
)

select distinct * from renamed
