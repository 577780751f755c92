{{ config(**fact_table_config(cluster_by=['system_id'], date_column='date')) }}
-- admin/picks/{date}.json, part `candidates[].subsets`: one row per candidate and subset it
-- qualified for, with its rank there. Incremental by date.
select
    members.game_date as date,
    cast(members.system_id as {{ dbt.type_string() }}) as system_id,
    cast(members.player_lookup as {{ dbt.type_string() }}) as player_lookup,
    cast(members.game_id as {{ dbt.type_string() }}) as game_id,
    cast(definitions.subset_id as {{ dbt.type_string() }}) as subset_id,
    cast(definitions.public_id as {{ dbt.type_bigint() }}) as subset_public_id,
    cast(members.subset_rank as {{ dbt.type_bigint() }}) as subset_rank
from {{ ref('int_subset_members_ranked') }} as members
inner join {{ ref('subset_definitions') }} as definitions
    on members.subset_id = definitions.subset_id
where {{ rebuilt_dates('members.game_date') }}
