{{ config(**fact_table_config(cluster_by=none, date_column='date')) }}
-- admin/picks/{date}.json, the document's root: one row per game date with candidates.
-- The candidates, the subsets each qualified for and the day's filter counts are parts at
-- their own grain, joined on date (publish declaration, `from:`), built and tested before
-- this model:
-- depends_on: {{ ref('admin_picks__candidates') }}
-- depends_on: {{ ref('admin_picks__candidate_subsets') }}
-- depends_on: {{ ref('admin_picks__filter_counts') }}
-- Incremental by date.
select distinct game_date as date
from {{ ref('int_best_bets_filtered') }}
where {{ rebuilt_dates() }}
