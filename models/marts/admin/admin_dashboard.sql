-- admin/dashboard.json, the document's root, as of the track-record as-of date d
-- (int_track_record_as_of): one row, the champion, its state and the market regime of d;
-- no row before any game is graded (no dashboard to publish yet). Each list of the
-- document is a part at its own grain, joined on as_of (publish declaration, `from:`),
-- built and tested before this model:
-- depends_on: {{ ref('admin_dashboard__models') }}
-- depends_on: {{ ref('admin_dashboard__subsets') }}
-- depends_on: {{ ref('admin_dashboard__by_signal') }}
-- depends_on: {{ ref('admin_dashboard__edge_tiers') }}
-- depends_on: {{ ref('admin_dashboard__signal_health') }}
with as_of as (
    select as_of_date from {{ ref('int_track_record_as_of') }}
    where as_of_date is not null
),

models as (
    select * from {{ ref('int_models_described') }}
),

champion as (
    select
        models.codename,
        models.system_id,
        health.state
    from models
    cross join as_of
    left join {{ ref('int_model_health_daily') }} as health
        on models.system_id = health.system_id
        and as_of.as_of_date = health.game_date
    where models.is_champion
)

select
    as_of.as_of_date as as_of,
    cast(champion.codename as {{ dbt.type_string() }}) as champion_model,
    cast(champion.system_id as {{ dbt.type_string() }}) as champion_system_id,
    cast(champion.state as {{ dbt.type_string() }}) as champion_state,
    cast(regime.max_edge as {{ type_double() }}) as regime_max_edge,
    {#- one field per value of var market_edge_thresholds: a new value is a new field, which
        this model's contract (admin_dashboard.yml) must list -#}
    {%- for threshold in var('market_edge_thresholds') %}
    cast(regime.candidates_edge_{{ threshold }} as {{ dbt.type_bigint() }})
        as regime_candidates_edge_{{ threshold }},
    {%- endfor %}
    {{ round_float('regime.avg_max_edge_7d', 2) }} as regime_avg_max_edge_7d,
    {{ round_float('regime.avg_max_edge_season', 2) }} as regime_avg_max_edge_season,
    {{ round_float('regime.compression', 3) }} as regime_compression
from as_of
left join champion on true
left join {{ ref('int_market_regime_daily') }} as regime
    on as_of.as_of_date = regime.game_date
