-- systems/subsets.json: the active pick groups. One row per active subset.
-- model = the champion's public codename (null fails the contract: no raw id leaks).
with subsets as (
    select * from {{ ref('subset_definitions') }}
    where is_active
)

select
    cast({{ champion_codename() }} as {{ dbt.type_string() }}) as model,
    cast(subsets.public_id as {{ dbt.type_bigint() }}) as group_id,
    cast(subsets.public_name as {{ dbt.type_string() }}) as group_name,
    cast(subsets.public_description as {{ dbt.type_string() }}) as group_description
from subsets
