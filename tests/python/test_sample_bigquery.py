"""sample_data.bigquery without a BigQuery: the command line (the dry run, an endpoint nobody answers at, a warehouse
that is no DuckDB file), and what the load sends, on a stand-in client: the tables' DDL, the CSV loads, the INSERT
batches and their literals. (The load itself runs against the emulator in test_bigquery_emulator.)"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import socket
from decimal import Decimal
from types import SimpleNamespace

import pytest

from sample_data import bigquery, fixture
from sample_data.schema import NUMERIC

PRED, REG, TAGS = ("nba_predictions.player_prop_predictions", "nba_predictions.model_registry",
                   "nba_predictions.pick_signal_tags")
TINY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "warehouses", "tiny")


def csv_rows(table: str) -> int:
    with open(os.path.join(TINY, f"{table}.csv"), newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_dry_run_counts_the_rows_and_needs_no_bigquery(tmp_path, capsys):
    warehouse = tmp_path / "tiny.duckdb"
    fixture.load_fixture(TINY, warehouse)
    assert bigquery.main(["--warehouse", str(warehouse), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"would load {warehouse} into nba-props-platform\n")
    counted = {line.split()[0]: int(line.split()[1]) for line in out.splitlines()[1:]}
    expected = {name[:-len(".csv")]: csv_rows(name[:-len(".csv")]) for name in os.listdir(TINY) if name.endswith(".csv")}
    assert counted == expected
    assert counted["nba_predictions.model_registry"] > 0


def test_an_endpoint_nobody_answers_at_ends_in_one_line_within_the_reach_timeout(tmp_path, capsys):
    """It used to retry a refused connection for the client's default 10 minutes, then end in a traceback."""
    warehouse = tmp_path / "tiny.duckdb"
    fixture.load_fixture(TINY, warehouse)
    endpoint = f"http://127.0.0.1:{closed_port()}"
    assert bigquery.main(["--warehouse", str(warehouse), "--endpoint", endpoint, "--reach-timeout", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [f"reading {warehouse}", f"loading into nba-props-platform at {endpoint}"]
    assert err[2].startswith(f"error: nba-props-platform at {endpoint}: RetryError: ")
    assert err[2].endswith("(is the emulator running there, or are the credentials and --project right?)")
    assert len(err) == 3


def test_a_warehouse_that_is_no_duckdb_file_is_named_with_its_fix(tmp_path, capsys):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a duckdb file" * 400)
    assert bigquery.main(["--warehouse", str(bad), "--dry-run"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"error: --warehouse {bad}: ")
    assert err[-1].endswith("(make it with python -m sample_data.generate or sample_data.fixture)")


def test_real_bigquery_without_credentials_ends_in_one_line(tmp_path, capsys, monkeypatch):
    """--real-bigquery with no application-default credentials: it used to end in a DefaultCredentialsError
    traceback (an auth error is not an API error)."""
    from google.auth.exceptions import DefaultCredentialsError

    def no_credentials(*args, **kwargs):
        raise DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(bigquery, "client_for", no_credentials)
    monkeypatch.delenv("BQ_EMULATOR_ENDPOINT", raising=False)
    warehouse = tmp_path / "tiny.duckdb"
    fixture.load_fixture(TINY, warehouse)
    assert bigquery.main(["--warehouse", str(warehouse), "--real-bigquery"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: nba-props-platform: DefaultCredentialsError: Your default credentials were not found. (is the "
        "emulator running there, or are the credentials and --project right?)")


def test_a_warehouse_another_process_holds_is_named_with_that_fix(tmp_path, capsys):
    import subprocess
    import sys

    warehouse = tmp_path / "tiny.duckdb"
    fixture.load_fixture(TINY, warehouse)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(warehouse)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert bigquery.main(["--warehouse", str(warehouse), "--dry-run"]) == 1
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"error: --warehouse {warehouse}: ") and "lock" in err.lower()
    assert err.endswith("(another process holds it: close it, or copy the file)")


class FakeClient:
    """Stands in for google.cloud.bigquery.Client: records the datasets made, each statement and each CSV load."""

    def __init__(self, datasets: list[str]) -> None:
        self.datasets, self.created, self.statements, self.loads = datasets, [], [], []

    def list_datasets(self, project, retry=None, timeout=None):
        return [SimpleNamespace(dataset_id=name) for name in self.datasets]

    def create_dataset(self, name):
        self.created.append(name)

    def query(self, sql):
        self.statements.append(sql)
        return SimpleNamespace(result=lambda: None)

    def load_table_from_file(self, data, destination, job_config):
        self.loads.append((destination, job_config.source_format, [field.field_type for field in job_config.schema],
                           data.getvalue().decode("utf-8")))
        return SimpleNamespace(result=lambda: None)


def test_the_tables_are_made_with_bigquery_types_and_loaded_as_csv_or_in_insert_batches(monkeypatch):
    """load_rows on a stand-in client, values worked by hand: the missing datasets made; each table replaced with
    contract §1's BigQuery types, partitioned by game_date when it has one; scalar tables loaded as one CSV (a
    timestamp without its offset, booleans lower case, a null empty), the signal tags (an array) as INSERT statements
    of at most ``batch`` rows."""
    client = FakeClient(["nba_raw"])
    registry = [("catboost_v9", "catboost", "m.cbm", dt.date(2023, 1, 1), dt.date(2024, 12, 31), 4.9, 0.585, 33,
                 "mae", True, False, dt.datetime(2025, 1, 1, 9, 30))]
    predictions = [("p", "s", "a", "g", dt.date(2025, 1, 14), Decimal("20.500"), *[None] * 13)]
    tags = [(dt.date(2025, 1, 14), f"player{n}", "catboost_v9", ["high_edge", "it's"] if n else []) for n in range(3)]
    monkeypatch.setattr(bigquery, "_insert", functools.partial(bigquery._insert, batch=2))
    counts = bigquery.load_rows(client, "p", {REG: registry, PRED: predictions, TAGS: tags})
    assert counts[REG] == 1 and counts[TAGS] == 3 and counts["nba_raw.live_boxscores"] == 0
    assert client.created == ["p.nba_predictions", "p.nba_analytics"]
    made = [sql for sql in client.statements if sql.startswith("create")]
    assert len(made) == 7
    assert made[2] == ("create or replace table `p`.`nba_predictions`.`pick_signal_tags` (\n    game_date DATE,\n"
                       "    player_lookup STRING,\n    system_id STRING,\n    signal_tags ARRAY<STRING>\n)\n"
                       "partition by game_date")
    assert made[1].endswith("    registered_at TIMESTAMP\n)") and "eval_mae FLOAT64" in made[1]
    assert "feature_count INT64" in made[1] and "is_production BOOL" in made[1]
    assert "predicted_points NUMERIC" in made[0]
    inserts = [sql for sql in client.statements if sql.startswith("insert")]
    assert inserts == [
        "insert into `p`.`nba_predictions`.`pick_signal_tags` (game_date, player_lookup, system_id, signal_tags) "
        "values\n(DATE '2025-01-14', 'player0', 'catboost_v9', ARRAY<STRING>[]),\n"
        "(DATE '2025-01-14', 'player1', 'catboost_v9', ARRAY<STRING>['high_edge', 'it\\'s'])",
        "insert into `p`.`nba_predictions`.`pick_signal_tags` (game_date, player_lookup, system_id, signal_tags) "
        "values\n(DATE '2025-01-14', 'player2', 'catboost_v9', ARRAY<STRING>['high_edge', 'it\\'s'])"]
    loads = {destination: (kind, types, text) for destination, kind, types, text in client.loads}
    assert sorted(loads) == [f"p.{REG}", f"p.{PRED}"]
    assert loads[f"p.{REG}"] == ("CSV", ["STRING", "STRING", "STRING", "DATE", "DATE", "FLOAT64", "FLOAT64", "INT64",
                                         "STRING", "BOOL", "BOOL", "TIMESTAMP"],
                                 "catboost_v9,catboost,m.cbm,2023-01-01,2024-12-31,4.9,0.585,33,mae,true,false,"
                                 "2025-01-01 09:30:00.000000\n")
    assert loads[f"p.{PRED}"][2] == "p,s,a,g,2025-01-14,20.500" + "," * 13 + "\n"


def test_a_value_of_every_type_as_a_bigquery_literal():
    """The literals of the INSERT statements, by hand: strings escaped (a backslash, a quote, line breaks), a
    timestamp with an offset moved to UTC with its microseconds, a float that is no number cast from its name."""
    cases = [(None, "DATE", "NULL"), ("a\\b'c\nd\re", "VARCHAR", "'a\\\\b\\'c\\nd\\re'"), (True, "BOOLEAN", "TRUE"),
             (False, "BOOLEAN", "FALSE"), (12.0, "BIGINT", "12"), (Decimal("20.500"), NUMERIC, "NUMERIC '20.500'"),
             (0.1, "DOUBLE", "0.1"), (float("inf"), "DOUBLE", "CAST('inf' AS FLOAT64)"),
             (dt.date(2025, 1, 14), "DATE", "DATE '2025-01-14'"),
             (dt.datetime(2025, 1, 14, 12, 15, 0, 500, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "TIMESTAMP",
              "TIMESTAMP '2025-01-14 17:15:00.000500+00:00'")]
    assert [bigquery.literal(value, kind) for value, kind, _ in cases] == [literal for _, _, literal in cases]
    with pytest.raises(ValueError, match="no BigQuery literal for type HUGEINT"):
        bigquery.literal(1, "HUGEINT")


def test_a_reach_timeout_of_no_time_is_a_usage_error(tmp_path, capsys):
    warehouse = tmp_path / "tiny.duckdb"
    fixture.load_fixture(TINY, warehouse)
    with pytest.raises(SystemExit) as usage:
        bigquery.main(["--warehouse", str(warehouse), "--endpoint", "http://127.0.0.1:1", "--reach-timeout", "0"])
    assert usage.value.code == 2 and "--reach-timeout must be more than 0 seconds" in capsys.readouterr().err
