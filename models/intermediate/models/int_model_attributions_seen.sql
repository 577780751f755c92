-- Model attribution actually seen in predictions. One row per system x attribution
-- (file name, training window, trained_at, commit, revision), with the expected MAE /
-- hit rate it was deployed with and the first and last game date it was seen on.
{%- set attribution = ['system_id', 'model_file_name', 'model_training_start_date',
    'model_training_end_date', 'model_trained_at', 'build_commit_sha', 'deployment_revision'] %}
select
    {{ attribution | join(',\n    ') }},
    max(model_expected_mae) as model_expected_mae,
    max(model_expected_hit_rate) as model_expected_hit_rate,
    min(game_date) as first_seen_date,
    max(game_date) as last_seen_date,
    count(*) as prediction_rows
from {{ ref('stg_nba_predictions__player_prop_predictions') }}
group by
    {{ attribution | join(',\n    ') }}
