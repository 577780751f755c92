"""The moment a sample warehouse stands for, as PROPS_CLOCK (macros/clock.sql) wants it.

    python -m sample_data.clock .warehouse/props.duckdb      # -> 2025-04-14 00:50:00

The sample is a past season: the run's own clock would find every game long over. `make
demo` builds it at the sample's clock instead (docs/decisions.md, "Lock at tip-off"): the
newest live box-score update (tonight's first games in progress, the later ones
scheduled), else the newest prediction run, so earlier days are locked and tonight's picks
stay provisional.
"""

from __future__ import annotations

import argparse
import sys

import duckdb


def sample_clock(warehouse: str) -> str:
    """The newest live update (else prediction run) of the warehouse, 'YYYY-MM-DD HH:MM:SS' UTC."""
    try:
        with duckdb.connect(warehouse, read_only=True) as con:
            (clock,) = con.execute(
                "select coalesce((select max(updated_at) from nba_raw.live_boxscores),"
                " (select max(created_at) from nba_predictions.player_prop_predictions))").fetchone()
    except duckdb.Error as error:  # no such file, a build holding it, not a sample warehouse
        raise SystemExit(f"error: {warehouse}: {str(error).splitlines()[0]}: point DUCKDB_PATH at a sample warehouse "
                         "(make sample), or wait for the run that holds it") from None
    if clock is None:
        raise SystemExit(f"{warehouse}: no live box score and no prediction: no clock to give")
    return clock.strftime("%Y-%m-%d %H:%M:%S")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_data.clock", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("warehouse", help="DuckDB file of a sample warehouse")
    print(sample_clock(parser.parse_args(argv).warehouse))
    return 0


if __name__ == "__main__":
    sys.exit(main())
