"""The command line of sample_data.bigquery without a BigQuery: the dry run, an endpoint nobody answers at, a
warehouse that is no DuckDB file. (The load itself is tested against the emulator in test_bigquery_emulator.)"""

from __future__ import annotations

import csv
import os
import socket

from sample_data import bigquery, fixture

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
