-- admin/dashboard.json, as of the track-record as-of date d (var as_of_date, default the
-- latest graded game date). A union of section rows: every row carries the top-level
-- columns (champion, its state, market regime of d); each section fills its own
-- columns and leaves the others null, so each list of the document folds from its rows.
--   model_*   every model's health row on d          subset_*  subsets at 7/14/30 days
--   signal_*  subset results by day signal (season)  tier_*    edge tiers over 30 days
--   tag_*     signal health per allowlisted tag
{%- set double = type_double() %}
{%- set bigint = dbt.type_bigint() %}
{%- set text = dbt.type_string() %}
{%- set section_columns = {
    'model_system_id': text, 'model_codename': text, 'model_family': text, 'model_state': text,
    'model_n_7d': bigint, 'model_hit_rate_7d': double, 'model_n_14d': bigint, 'model_hit_rate_14d': double,
    'model_n_30d': bigint, 'model_hit_rate_30d': double, 'model_days_since_training': bigint,
    'model_is_stale': 'boolean', 'model_training_start_date': 'date', 'model_training_end_date': 'date',
    'model_eval_mae': double, 'model_eval_hit_rate_edge3': double,
    'subset_public_id': bigint, 'subset_name': text, 'subset_window': text, 'subset_window_order': bigint,
    'subset_picks': bigint, 'subset_wins': bigint, 'subset_losses': bigint, 'subset_hit_rate': double,
    'subset_roi': double,
    'signal_subset_public_id': bigint, 'signal_colour': text, 'signal_picks': bigint, 'signal_wins': bigint,
    'signal_losses': bigint, 'signal_hit_rate': double, 'signal_roi': double,
    'tier_name': text, 'tier_order': bigint, 'tier_picks': bigint, 'tier_hit_rate': double, 'tier_mae': double,
    'tier_roi': double,
    'tag_name': text, 'tag_n_7d': bigint, 'tag_hit_rate_7d': double, 'tag_n_season': bigint,
    'tag_hit_rate_season': double, 'tag_divergence': double, 'tag_regime': text,
} %}
with as_of as (
    select {{ track_record_as_of() }} as as_of_date
),

models as (
    select * from {{ ref('int_models_described') }}
),

subsets as (
    select * from {{ ref('subset_definitions') }}
    where is_active
),

model_rows as (
    select
        {{- section_select(section_columns, {
            'model_system_id': 'health.system_id', 'model_codename': 'models.codename',
            'model_family': 'models.model_family', 'model_state': 'health.state',
            'model_n_7d': 'health.n_7d', 'model_hit_rate_7d': 'health.hit_rate_7d',
            'model_n_14d': 'health.n_14d', 'model_hit_rate_14d': 'health.hit_rate_14d',
            'model_n_30d': 'health.n_30d', 'model_hit_rate_30d': 'health.hit_rate_30d',
            'model_days_since_training': 'health.days_since_training', 'model_is_stale': 'health.is_stale',
            'model_training_start_date': 'models.training_start_date',
            'model_training_end_date': 'health.training_end_date',
            'model_eval_mae': 'models.eval_mae', 'model_eval_hit_rate_edge3': 'models.eval_hit_rate_edge3',
        }) }}
    from {{ ref('int_model_health_daily') }} as health
    inner join as_of on health.game_date = as_of.as_of_date
    left join models on health.system_id = models.system_id
),

subset_rows as (
    select
        {{- section_select(section_columns, {
            'subset_public_id': 'subsets.public_id', 'subset_name': 'subsets.public_name',
            'subset_window': 'windows.window_name',
            'subset_window_order': "case windows.window_name when 'last_7_days' then 1 when 'last_14_days' then 2 else 3 end",
            'subset_picks': 'windows.graded_picks', 'subset_wins': 'windows.wins',
            'subset_losses': 'windows.losses', 'subset_hit_rate': 'windows.hit_rate',
            'subset_roi': 'windows.roi_pct',
        }) }}
    from {{ ref('int_subset_performance_windows') }} as windows
    inner join as_of on windows.as_of_date = as_of.as_of_date
    inner join subsets on windows.subset_id = subsets.subset_id
    where windows.window_name in ('last_7_days', 'last_14_days', 'last_30_days')
),

signal_rows as (
    select
        {{- section_select(section_columns, {
            'signal_subset_public_id': 'subsets.public_id', 'signal_colour': 'by_signal.signal',
            'signal_picks': 'by_signal.graded_picks', 'signal_wins': 'by_signal.wins',
            'signal_losses': 'by_signal.losses', 'signal_hit_rate': 'by_signal.hit_rate',
            'signal_roi': 'by_signal.roi_pct',
        }) }}
    from {{ ref('int_subset_performance_by_signal') }} as by_signal
    inner join as_of on by_signal.as_of_date = as_of.as_of_date
    inner join subsets on by_signal.subset_id = subsets.subset_id
),

tier_rows as (
    select
        {{- section_select(section_columns, {
            'tier_name': 'tiers.edge_tier',
            'tier_order': "case tiers.edge_tier when 'high' then 1 when 'medium' then 2 else 3 end",
            'tier_picks': 'tiers.graded_picks', 'tier_hit_rate': 'tiers.hit_rate',
            'tier_mae': 'tiers.mae', 'tier_roi': 'tiers.roi_pct',
        }) }}
    from {{ ref('int_edge_tier_performance_windows') }} as tiers
    inner join as_of on tiers.as_of_date = as_of.as_of_date
),

tag_rows as (
    select
        {{- section_select(section_columns, {
            'tag_name': 'tags.signal_tag', 'tag_n_7d': 'tags.n_7d', 'tag_hit_rate_7d': 'tags.hit_rate_7d',
            'tag_n_season': 'tags.n_season', 'tag_hit_rate_season': 'tags.hit_rate_season',
            'tag_divergence': 'tags.divergence', 'tag_regime': 'tags.regime',
        }) }}
    from {{ ref('int_signal_health_daily') }} as tags
    inner join as_of on tags.game_date = as_of.as_of_date
),

sections as (
    select * from model_rows
    union all
    select * from subset_rows
    union all
    select * from signal_rows
    union all
    select * from tier_rows
    union all
    select * from tag_rows
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
    cast(champion.codename as {{ text }}) as champion_model,
    cast(champion.system_id as {{ text }}) as champion_system_id,
    cast(champion.state as {{ text }}) as champion_state,
    cast(regime.max_edge as {{ double }}) as regime_max_edge,
    cast(regime.candidates_edge_3 as {{ bigint }}) as regime_candidates_edge_3,
    cast(regime.candidates_edge_5 as {{ bigint }}) as regime_candidates_edge_5,
    cast(regime.candidates_edge_7 as {{ bigint }}) as regime_candidates_edge_7,
    {{ round_float('regime.avg_max_edge_7d', 2) }} as regime_avg_max_edge_7d,
    {{ round_float('regime.avg_max_edge_season', 2) }} as regime_avg_max_edge_season,
    {{ round_float('regime.compression', 3) }} as regime_compression,
    sections.*
from as_of
left join champion on true
left join {{ ref('int_market_regime_daily') }} as regime
    on as_of.as_of_date = regime.game_date
inner join sections on true
