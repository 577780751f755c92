"""warehouse: profile rendering, DuckDB reads, BigQuery query building."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from publisher.warehouse import (
    BigQueryWarehouse,
    bigquery_client,
    DuckDBWarehouse,
    WarehouseError,
    last_builds,
    load_profile_output,
    native_rows,
    warehouse_from_profile,
)

REPO = Path(__file__).resolve().parents[2]
PROFILES = """
tiny:
  target: "{{ env_var('TINY_TARGET', 'dev') }}"
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('TINY_DUCKDB', 'wh.duckdb') }}"
    bigquery:
      type: bigquery
      method: oauth
      project: "{{ env_var('TINY_BQ_PROJECT', 'nba-props-platform') }}"
      dataset: props
      location: US
      threads: "{{ env_var('TINY_THREADS', '8') | int }}"
    emulator:
      type: bigquery
      method: oauth-secrets
      token: emulator-dummy-token
      project: nba-props-platform
      dataset: props
      api_endpoint: http://127.0.0.1:9050
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    for name in ("DBT_PROFILES_DIR", "TINY_TARGET", "TINY_DUCKDB", "TINY_BQ_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "dbt_project.yml").write_text("name: tiny\nprofile: tiny\n")
    (tmp_path / "profiles.yml").write_text(PROFILES)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("CREATE SCHEMA public")
        con.execute("CREATE TABLE public.t (date DATE, name VARCHAR, n INTEGER)")
        con.execute("INSERT INTO public.t VALUES ('2026-02-20','a',1), ('2026-02-21','b',2), ('2026-02-22','c',3), (NULL,'d',4)")
    return tmp_path


def rows(warehouse, relation, **filters):
    return list(warehouse.iter_rows(relation, **filters))


def test_profile_defaults_and_env_overrides(project, monkeypatch):
    assert load_profile_output(project) == ({"type": "duckdb", "path": "wh.duckdb"},
                                            f"{project / 'profiles.yml'}: profile 'tiny', output 'dev'")
    monkeypatch.setenv("TINY_TARGET", "bigquery")
    monkeypatch.setenv("TINY_BQ_PROJECT", "my-project")
    assert load_profile_output(project)[0]["project"] == "my-project"
    assert load_profile_output(project, target="dev")[0]["type"] == "duckdb"
    with pytest.raises(WarehouseError, match="no output 'prod'"):
        load_profile_output(project, target="prod")


def test_profiles_dir_from_env(project, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("profiles")
    (elsewhere / "profiles.yml").write_text(PROFILES.replace("wh.duckdb", "other.duckdb"))
    monkeypatch.setenv("DBT_PROFILES_DIR", str(elsewhere))
    assert load_profile_output(project)[0]["path"] == "other.duckdb"
    assert load_profile_output(project, profiles_dir=project)[0]["path"] == "wh.duckdb"  # the option first


def test_a_profiles_folder_named_without_profiles_yml_is_an_error_not_passed_over(project, monkeypatch):
    """As dbt: a folder named by --profiles-dir or DBT_PROFILES_DIR is the one read. The project's profiles.yml (here
    the tiny DuckDB one) used to be read instead, so a wrong folder (or the file named instead of its folder)
    published another warehouse than the one meant."""
    for wrong in (project / "missing", project / "profiles.yml"):
        with pytest.raises(WarehouseError) as raised:
            load_profile_output(project, profiles_dir=wrong)
        assert str(raised.value) == f"--profiles-dir {wrong}: no profiles.yml in that folder (name the folder that holds it)"
    monkeypatch.setenv("DBT_PROFILES_DIR", str(project / "missing"))
    with pytest.raises(WarehouseError, match=r"^DBT_PROFILES_DIR=.*/missing: no profiles.yml in that folder"):
        load_profile_output(project)


def test_duckdb_path_is_relative_to_the_project_dir(project, monkeypatch, tmp_path_factory):
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    warehouse = warehouse_from_profile(project)
    assert isinstance(warehouse, DuckDBWarehouse)
    assert [r["name"] for r in rows(warehouse, '"wh"."public"."t"')] == ["a", "b", "c", "d"]


def test_the_build_log_is_read_from_the_meta_schema_of_the_target(project):
    assert warehouse_from_profile(project).build_log == '"main_meta".model_builds'  # no schema in the profile: main
    with duckdb.connect(str(project / "wh.duckdb")) as con:
        con.execute("CREATE SCHEMA props_meta; CREATE TABLE props_meta.model_builds AS SELECT * FROM (VALUES "
                    "('r1', 'b', TIMESTAMP '2026-02-21 18:00:00'), ('r1', 'a', TIMESTAMP '2026-02-21 17:00:00'), "
                    "('r2', 'a', TIMESTAMP '2026-02-21 17:00:00')) AS t(relation, invocation_id, finished_at)")
    found = last_builds(DuckDBWarehouse(project / "wh.duckdb", "props"))
    assert found == ('"props_meta".model_builds', {"r1": ("b", "2026-02-21T18:00:00Z"), "r2": ("a", "2026-02-21T17:00:00Z")})


def test_duckdb_rows_and_distinct_values(project):
    warehouse = DuckDBWarehouse(project / "wh.duckdb")
    relation = '"wh"."public"."t"'
    assert rows(warehouse, relation, where={"date": dt.date(2026, 2, 21)}) == [
        {"date": "2026-02-21", "name": "b", "n": 2}]  # JSON-native values (serialize.json_native)
    in_range = rows(warehouse, relation, where={"date": (dt.date(2026, 2, 21), dt.date(2026, 2, 22))})
    assert sorted(r["name"] for r in in_range) == ["b", "c"]
    assert warehouse.distinct_values(relation, "date") == [dt.date(2026, 2, 20), dt.date(2026, 2, 21), dt.date(2026, 2, 22)]
    with pytest.raises(WarehouseError, match="bad column name"):
        rows(warehouse, relation, where={"date; drop table t": 1})


def test_missing_duckdb_file(project):
    (project / "wh.duckdb").unlink()
    with pytest.raises(WarehouseError, match=r"^cannot read .*wh\.duckdb: IO Error: Cannot open database .* in read-only "
                                             r"mode: database does not exist \(point DUCKDB_PATH at the warehouse"):
        warehouse_from_profile(project)


def test_a_duckdb_file_another_process_writes_names_the_holder(project):
    """A build, a DuckDB shell or a notebook holding the file for writing locks other processes out (even read-only):
    one line naming the file, DuckDB's own words (the holder's program and pid) and the fixes, not a traceback."""
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               " print('open', flush=True); time.sleep(60)", str(project / "wh.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        with pytest.raises(WarehouseError) as raised:
            warehouse_from_profile(project)
    finally:
        holder.kill()
        holder.wait()
    message = str(raised.value)
    assert message.startswith(f"cannot read {project / 'wh.duckdb'}: IO Error: Could not set lock on file ")
    assert f"(PID {holder.pid})." in message and "See also" not in message
    assert message.endswith("(point DUCKDB_PATH at the warehouse, or close the process that holds it; nothing was "
                            "published)")


def test_a_file_that_is_not_a_duckdb_warehouse(project):
    (project / "wh.duckdb").write_text("a,b\n1,2\n")
    with pytest.raises(WarehouseError, match=r"is not a valid DuckDB database file! \(point DUCKDB_PATH at the "
                                             r"warehouse, or close the process that holds it; nothing was "
                                             r"published\)$"):
        warehouse_from_profile(project)


class FakeJob:
    def result(self, page_size=None):
        return [FakeRow({"date": dt.date(2026, 2, 21), "n": 2})]


class FakeRow(dict):
    pass


class FakeClient:
    def __init__(self):
        self.calls = []

    def query(self, sql, job_config=None):
        self.calls.append((sql, job_config))
        return FakeJob()


def fake_bigquery(monkeypatch, client):
    monkeypatch.setattr("publisher.warehouse.bigquery_client", lambda *args: client)
    return BigQueryWarehouse("p", "props", {}, "profiles.yml")


def test_bigquery_builds_parameterised_queries(monkeypatch):
    client = FakeClient()
    warehouse = fake_bigquery(monkeypatch, client)
    found = rows(warehouse, "`p`.`props_public`.`t`", where={"date": dt.date(2026, 2, 21), "name": "b"})
    assert found == [{"date": "2026-02-21", "n": 2}]
    sql, config = client.calls[0]
    assert sql == "SELECT * FROM `p`.`props_public`.`t` WHERE `date` = @p0 AND `name` = @p1"
    assert [(p.name, p.type_, p.value) for p in config.query_parameters] == [
        ("p0", "DATE", dt.date(2026, 2, 21)), ("p1", "STRING", "b")]
    rows(warehouse, "`p`.`props_public`.`t`", where={"date": (dt.date(2026, 2, 20), dt.date(2026, 2, 21))})
    sql, config = client.calls[1]
    assert sql == "SELECT * FROM `p`.`props_public`.`t` WHERE `date` BETWEEN @p0 AND @p0_last"
    assert [(p.name, p.value.day) for p in config.query_parameters] == [("p0", 20), ("p0_last", 21)]


def test_bigquery_profile(project, monkeypatch):
    made = []
    monkeypatch.setattr("publisher.warehouse.bigquery_client", lambda *args: made.append(args) or FakeClient())
    warehouse = warehouse_from_profile(project, target="bigquery")
    assert isinstance(warehouse, BigQueryWarehouse)
    assert warehouse.build_log == "`nba-props-platform`.`props_meta`.model_builds"  # dbt's <target schema>_meta
    warehouse_from_profile(project, target="emulator")
    assert [(output["method"], output.get("api_endpoint"), where) for output, where in made] == [
        ("oauth", None, f"{project / 'profiles.yml'}: profile 'tiny', output 'bigquery'"),
        ("oauth-secrets", "http://127.0.0.1:9050", f"{project / 'profiles.yml'}: profile 'tiny', output 'emulator'")]


# The publisher's BigQuery credentials are the dbt profile's, made by dbt-bigquery's own code: each method of the
# project's profiles.yml.example (BQ_METHOD, BQ_KEYFILE, BQ_TOKEN), without contacting Google.
SCOPES = ("https://www.googleapis.com/auth/bigquery", "https://www.googleapis.com/auth/cloud-platform",
          "https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/userinfo.email")  # dbt-bigquery's


@pytest.fixture
def real_profile(tmp_path, monkeypatch):
    """A folder with the project's profiles.yml.example as its profiles.yml; target bigquery."""
    for name in ("DBT_PROFILES_DIR", "BQ_METHOD", "BQ_KEYFILE", "BQ_TOKEN", "BQ_PROJECT", "BQ_LOCATION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DBT_TARGET", "bigquery")
    (tmp_path / "dbt_project.yml").write_text((REPO / "dbt_project.yml").read_text())
    (tmp_path / "profiles.yml").write_text((REPO / "profiles.yml.example").read_text())
    return tmp_path


def credentials_of(folder):
    warehouse = warehouse_from_profile(folder)
    assert isinstance(warehouse, BigQueryWarehouse)
    assert (warehouse.client.project, warehouse.client.location) == ("nba-props-platform", "US")
    return warehouse.client._credentials


def service_account_key(email):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": "nba-props-platform", "private_key_id": "k1", "private_key": pem,
            "client_email": email, "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token"}


def test_service_account_key_file(real_profile, monkeypatch):
    from google.oauth2 import service_account

    email = "props-runner@nba-props-platform.iam.gserviceaccount.com"
    (real_profile / "key.json").write_text(json.dumps(service_account_key(email)))
    monkeypatch.setenv("BQ_METHOD", "service-account")
    monkeypatch.setenv("BQ_KEYFILE", str(real_profile / "key.json"))
    credentials = credentials_of(real_profile)
    assert isinstance(credentials, service_account.Credentials)
    assert (credentials.service_account_email, tuple(credentials.scopes)) == (email, SCOPES)
    assert not credentials.token  # nothing was asked of Google


def test_service_account_json_and_impersonation(real_profile):
    from google.auth import impersonated_credentials
    from google.oauth2 import service_account

    key = service_account_key("inline@nba-props-platform.iam.gserviceaccount.com")
    output = {"type": "bigquery", "method": "service-account-json", "keyfile_json": key, "project": "p",
              "dataset": "props", "threads": 4}
    credentials = bigquery_client(output, "profiles.yml")._credentials
    assert isinstance(credentials, service_account.Credentials)
    assert credentials.service_account_email == "inline@nba-props-platform.iam.gserviceaccount.com"
    impersonated = bigquery_client({**output, "impersonate_service_account": "reader@p.iam.gserviceaccount.com"},
                                   "profiles.yml")._credentials
    assert isinstance(impersonated, impersonated_credentials.Credentials)
    assert impersonated._target_principal == "reader@p.iam.gserviceaccount.com"
    assert impersonated._target_scopes == list(SCOPES)


def test_oauth_secrets_token(real_profile, monkeypatch):
    from google.oauth2.credentials import Credentials

    monkeypatch.setenv("BQ_METHOD", "oauth-secrets")
    monkeypatch.setenv("BQ_TOKEN", "ya29.a-token")
    credentials = credentials_of(real_profile)
    assert isinstance(credentials, Credentials)
    assert (credentials.token, tuple(credentials.scopes)) == ("ya29.a-token", SCOPES)


def test_oauth_is_application_default_credentials_with_dbts_scopes(real_profile, monkeypatch):
    import dbt.adapters.bigquery.credentials as dbt_credentials
    from google.oauth2.credentials import Credentials

    adc, asked = Credentials(token="from-adc"), []

    def default(scopes=None):  # google.auth.default, as dbt-bigquery imported it
        asked.append(scopes)
        return adc, "adc-project"

    monkeypatch.setattr(dbt_credentials, "default", default)
    dbt_credentials._create_bigquery_defaults.cache_clear()  # dbt caches the answer by scopes
    try:
        assert credentials_of(real_profile) is adc  # BQ_METHOD unset: the profile's default, oauth
    finally:
        dbt_credentials._create_bigquery_defaults.cache_clear()
    assert asked == [SCOPES]


def test_oauth_without_application_default_credentials_is_one_line(real_profile, monkeypatch):
    """dbt-bigquery wraps the missing credentials in an error whose ``path`` is None: it used to end in a TypeError
    traceback (joining None) instead of this line."""
    import dbt.adapters.bigquery.credentials as dbt_credentials
    from google.auth.exceptions import DefaultCredentialsError

    def default(scopes=None):
        raise DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(dbt_credentials, "default", default)
    dbt_credentials._create_bigquery_defaults.cache_clear()
    try:
        with pytest.raises(WarehouseError) as raised:
            warehouse_from_profile(real_profile)
    finally:
        dbt_credentials._create_bigquery_defaults.cache_clear()
    assert str(raised.value) == (
        f"{real_profile / 'profiles.yml'}: profile 'nba_props', output 'bigquery': BigQuery credentials (method "
        "'oauth'): Failed to authenticate with supplied credentials error: Your default credentials were not found.")


@pytest.mark.parametrize(("method", "keyfile", "says"), [
    ("oath", "", "method: 'oath' is not one of ['oauth', 'oauth-secrets', 'service-account'"),
    ("service-account", "/nonexistent/key.json", "No such file or directory: '/nonexistent/key.json'")])
def test_bad_credentials_name_the_profile_output_and_field(real_profile, monkeypatch, method, keyfile, says):
    monkeypatch.setenv("BQ_METHOD", method)
    monkeypatch.setenv("BQ_KEYFILE", keyfile)
    with pytest.raises(WarehouseError) as raised:
        warehouse_from_profile(real_profile)
    message = str(raised.value)
    assert message.startswith(f"{real_profile / 'profiles.yml'}: profile 'nba_props', output 'bigquery': "
                              f"BigQuery credentials (method {method!r}): ")
    assert says in message and "\n" not in message


def test_an_api_endpoint_gets_the_profiles_credentials():
    from google.oauth2.credentials import Credentials

    client = bigquery_client({"type": "bigquery", "method": "oauth-secrets", "token": "emulator-dummy-token",
                              "api_endpoint": "http://127.0.0.1:9050", "project": "nba-props-platform",
                              "dataset": "props"}, "profiles.yml")
    assert isinstance(client._credentials, Credentials) and client._credentials.token == "emulator-dummy-token"
    assert client._connection.API_BASE_URL == "http://127.0.0.1:9050"
    client.close()


def test_duckdb_iter_rows_streams_sorted_and_filtered(project, monkeypatch):
    import publisher.warehouse as warehouse_module

    monkeypatch.setattr(warehouse_module, "BATCH", 2)  # several batches
    warehouse = DuckDBWarehouse(project / "wh.duckdb")
    relation = '"wh"."public"."t"'
    fetched: list[int] = []  # the size of each batch read from DuckDB, as it is read
    fetch = warehouse._fetch

    def counting_fetch(sql, params):
        for names, batch in fetch(sql, params):
            fetched.append(len(batch))
            yield names, batch

    monkeypatch.setattr(warehouse, "_fetch", counting_fetch)
    rows = warehouse.iter_rows(relation, order_by=("date",))
    assert next(rows)["name"] == "a" and fetched == [2]  # the first row costs one batch, not the table
    assert [r["name"] for r in rows] == ["b", "c", "d"] and fetched == [2, 2]  # NULL date last
    assert [r["n"] for r in warehouse.iter_rows(relation, where={"name": "c"})] == [3]
    in_range = warehouse.iter_rows(relation, where={"date": (dt.date(2026, 2, 21), dt.date(2026, 2, 22))},
                                   order_by=("date",))
    assert [r["name"] for r in in_range] == ["b", "c"]


class FakePagedJob:
    """Three result rows; remembers the page size it was asked for."""
    page_size = None

    def result(self, page_size=None):
        self.page_size = page_size
        return iter([FakeRow({"date": dt.date(2026, 2, day), "n": day}) for day in (20, 21, 22)])


def test_bigquery_iter_rows_orders_and_pages(monkeypatch):
    import publisher.warehouse as warehouse_module

    monkeypatch.setattr(warehouse_module, "BATCH", 2)  # three rows: a batch of two, then one
    client, job = FakeClient(), FakePagedJob()
    client.query = lambda sql, job_config=None: (client.calls.append((sql, job_config)), job)[1]
    warehouse = fake_bigquery(monkeypatch, client)
    rows = list(warehouse.iter_rows("`p`.`props_public`.`t`", where={"name": "b"}, order_by=("date",)))
    assert rows == [{"date": "2026-02-20", "n": 20}, {"date": "2026-02-21", "n": 21}, {"date": "2026-02-22", "n": 22}]
    assert job.page_size == 2  # pages of BATCH rows from BigQuery, not one request for the whole result
    assert client.calls[0][0] == "SELECT * FROM `p`.`props_public`.`t` WHERE `name` = @p0 ORDER BY `date`"


@pytest.mark.parametrize("bad", [float("nan"), [1.5, float("inf")]], ids=["nan", "inf_in_a_list"])
def test_a_number_that_is_not_finite_is_named_with_its_column_and_row(bad):
    """No JSON number is NaN or infinite (orjson would write null): the error names the column and the first row
    holding one by its first three columns, and the fix."""
    names = ["game_date", "player", "system", "pct"]
    batch = [(dt.date(2026, 2, 21), "Nikola Jokić", "catboost_v9", 61.5),
             (dt.date(2026, 2, 21), "Jamal Murray", "catboost_v9", bad),
             (dt.date(2026, 2, 22), "Aaron Gordon", "catboost_v9", bad)]
    with pytest.raises(WarehouseError) as raised:
        list(native_rows("props_public.public_x", names, batch))
    message = str(raised.value)
    assert message == ("props_public.public_x: column 'pct' holds a number that is not finite (NaN or infinity), e.g. "
                       "in the row game_date=2026-02-21, player=Jamal Murray, system=catboost_v9: no JSON number is; "
                       "correct the model (a division by zero?), then run dbt build")
