-- The as-of date of the published track record (contract §3 Windows: anchored on a date given
-- to the run, never the machine clock): the latest game date whose games are all graded,
-- on or before var as_of_date when given (a day without games, or not graded yet, gives the
-- graded date before it): every game of its candidates has box scores, and it has
-- a graded (win, loss or push) candidate. So a day whose night game is not in yet (an
-- afternoon game's box scores in, the night game's not) is never the as-of date, while a
-- player without a row in a game that has box scores (pending until the "day after" rule
-- voids it) does not hold the date back. One row; subsets/performance.json,
-- systems/models.json and the admin dashboard all read it, so they always agree.
{%- set graded = ref('int_candidates_graded') %}
with games as (
    select
        game_date,
        game_id,
        max(case when has_box_score then 1 else 0 end) as has_box_scores,
        max(case when grade in ('win', 'loss', 'push') then 1 else 0 end) as has_graded
    from {{ graded }}
    {%- if var('as_of_date') %}
    where game_date <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
    group by game_date, game_id
)

select max(game_date) as as_of_date
from (
    select game_date
    from games
    group by game_date
    having min(has_box_scores) = 1 and max(has_graded) = 1
) as graded_days
