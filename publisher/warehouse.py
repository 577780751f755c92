"""Read mart rows (JSON-native) from DuckDB or BigQuery: the dbt profile's output (profiles.yml rendered with
env_var, as dbt does) says which. The only module that knows the engine."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import jinja2
import yaml

from publisher.serialize import json_native

BUILD_LOG = "model_builds"  # in <target schema>_meta, written by dbt's on-run-end hook (macros/record_builds.sql)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BATCH = 10_000  # rows fetched at a time by iter_rows
PARAMETER_TYPES = ((bool, "BOOL"), (int, "INT64"), (float, "FLOAT64"), (Decimal, "NUMERIC"), (dt.datetime, "TIMESTAMP"),
                   (dt.date, "DATE"))  # BigQuery query parameters; anything else is a STRING


class WarehouseError(RuntimeError):
    """The profile or the warehouse cannot be used."""


def _quote(column: str, quote: str) -> str:
    if not IDENTIFIER.fullmatch(column):
        raise WarehouseError(f"bad column name {column!r}")
    return f"{quote}{column}{quote}"


def select_sql(relation: str, where: dict[str, Any], order_by: Sequence[str], quote: str,
               placeholder: Callable[[str], str]) -> tuple[str, list[tuple[str, Any]]]:
    """The query of a relation's rows filtered by ``where`` (column -> value, or a (first, last) inclusive range)
    and sorted by ``order_by``, and its parameters (name, value); ``placeholder(name)`` renders a parameter."""
    clauses, params = [], []
    for i, (column, value) in enumerate(where.items()):
        if isinstance(value, tuple):
            clauses.append(f"{_quote(column, quote)} BETWEEN {placeholder(f'p{i}')} AND {placeholder(f'p{i}_last')}")
            params += [(f"p{i}", value[0]), (f"p{i}_last", value[1])]
        else:
            clauses.append(f"{_quote(column, quote)} = {placeholder(f'p{i}')}")
            params.append((f"p{i}", value))
    sql = f"SELECT * FROM {relation}" + (" WHERE " + " AND ".join(clauses) if clauses else "")
    return sql + (" ORDER BY " + ", ".join(_quote(c, quote) for c in order_by) if order_by else ""), params


class DuckDBWarehouse:
    def __init__(self, path: str | os.PathLike, schema: str = "main") -> None:
        import duckdb

        if not Path(path).is_file():
            raise WarehouseError(f"DuckDB file {path} does not exist")
        self.connection = duckdb.connect(str(path), read_only=True)
        self.build_log = f'{_quote(schema + "_meta", chr(34))}.{BUILD_LOG}'

    def iter_rows(self, relation: str, where: dict[str, Any] | None = None, order_by: Sequence[str] = ()) -> Iterator[dict]:
        """The rows (see select_sql), streamed in batches."""
        sql, params = select_sql(relation, where or {}, order_by, '"', lambda name: "?")
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, [value for _, value in params])
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(BATCH):
                for row in batch:
                    yield dict(zip(names, map(json_native, row)))
        finally:
            cursor.close()

    def distinct_values(self, relation: str, column: str) -> list:
        """Sorted distinct non-null values of a column (as the engine has them: dates are dates)."""
        c = _quote(column, '"')
        return [row[0] for row in self.connection.execute(f"SELECT DISTINCT {c} FROM {relation} WHERE {c} IS NOT NULL "
                                                          "ORDER BY 1").fetchall()]

    def close(self) -> None:
        self.connection.close()


def bigquery_client(output: dict, where: str) -> Any:
    """A BigQuery client of the profile output, authenticated as dbt authenticates it: dbt-bigquery's own code turns
    the output into credentials (``method``: oauth, service-account, service-account-json, oauth-secrets, ...;
    ``scopes``, ``impersonate_service_account``) and names the job project, quota project and ``api_endpoint``."""
    from dbt.adapters.bigquery.credentials import BigQueryCredentials, create_google_credentials
    from google.cloud import bigquery

    try:
        fields = BigQueryCredentials.translate_aliases({k: v for k, v in output.items() if k not in ("type", "threads")})
        BigQueryCredentials.validate(fields)
        profile = BigQueryCredentials.from_dict(fields)
        credentials = create_google_credentials(profile)
    except Exception as error:  # noqa: BLE001 - a bad field, a missing key file, no default credentials: one line
        field = ".".join(map(str, getattr(error, "path", ())))
        text = " ".join(str(getattr(error, "message", None) or getattr(error, "msg", None) or error).split())
        raise WarehouseError(f"{where}: BigQuery credentials (method {output.get('method')!r}): "
                             f"{field + ': ' if field else ''}{text}") from error
    return bigquery.Client(project=profile.execution_project, credentials=credentials, location=profile.location,
                           client_options={"api_endpoint": profile.api_endpoint, "quota_project_id": profile.quota_project})


class BigQueryWarehouse:
    def __init__(self, project: str, dataset: str, output: dict, where: str) -> None:
        from google.cloud import bigquery

        self.bigquery, self.client = bigquery, bigquery_client(output, where)
        self.build_log = f"`{project}`.{_quote(dataset + '_meta', '`')}.{BUILD_LOG}"

    def _job(self, sql: str, params: list) -> Any:
        parameters = []
        for name, value in params:
            kind = next((kind for type_, kind in PARAMETER_TYPES if isinstance(value, type_)), "STRING")
            parameters.append(self.bigquery.ScalarQueryParameter(name, kind, value))
        return self.client.query(sql, job_config=self.bigquery.QueryJobConfig(query_parameters=parameters))

    def iter_rows(self, relation: str, where: dict[str, Any] | None = None, order_by: Sequence[str] = ()) -> Iterator[dict]:
        """The rows (see select_sql), streamed by pages."""
        sql, params = select_sql(relation, where or {}, order_by, "`", lambda name: f"@{name}")
        for row in self._job(sql, params).result(page_size=BATCH):
            yield {name: json_native(value) for name, value in row.items()}

    def distinct_values(self, relation: str, column: str) -> list:
        c = _quote(column, "`")
        return [row[column] for row in self._job(f"SELECT DISTINCT {c} FROM {relation} WHERE {c} IS NOT NULL ORDER BY 1",
                                                 []).result()]

    def close(self) -> None:
        self.client.close()


Warehouse = DuckDBWarehouse | BigQueryWarehouse


def last_builds(warehouse: Warehouse) -> tuple[str, dict[str, tuple[str, str]]]:
    """The build log's relation, and relation -> (invocation id, finished at) of the last build of each."""
    rows = sorted(warehouse.iter_rows(warehouse.build_log), key=lambda row: str(row["finished_at"]))
    return warehouse.build_log, {row["relation"]: (row["invocation_id"], row["finished_at"]) for row in rows}


def load_profile_output(project_dir: Path, target: str | None = None,
                        profiles_dir: Path | None = None) -> tuple[dict, str]:
    """The rendered output of the project's dbt profile for ``target``, and where it is (file, profile, output)."""
    candidates = [profiles_dir, os.environ.get("DBT_PROFILES_DIR"), project_dir, Path.home() / ".dbt"]
    file = next((Path(d) / "profiles.yml" for d in candidates if d and (Path(d) / "profiles.yml").is_file()), None)
    if file is None:
        raise WarehouseError(f"no profiles.yml found (looked in {', '.join(str(d) for d in candidates if d)})")

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise WarehouseError(f"{file}: env var {name} is not set and has no default")
        return default

    profiles = yaml.safe_load(jinja2.Environment().from_string(file.read_text()).render(env_var=env_var)) or {}
    project_file = project_dir / "dbt_project.yml"
    name = yaml.safe_load(project_file.read_text()).get("profile") if project_file.is_file() else None
    names = [n for n in profiles if n != "config"]
    name = name or (names[0] if len(names) == 1 else None)
    if name not in profiles:
        raise WarehouseError(f"{file}: profile {name!r} not found")
    target = target or profiles[name].get("target")
    outputs = profiles[name].get("outputs") or {}
    if target not in outputs:
        raise WarehouseError(f"{file}: profile {name!r} has no output {target!r}")
    return outputs[target], f"{file}: profile {name!r}, output {target!r}"


def warehouse_from_profile(project_dir: str | os.PathLike, target: str | None = None,
                           profiles_dir: str | os.PathLike | None = None) -> Warehouse:
    """The warehouse of the profile's output ``target``."""
    project = Path(project_dir)
    output, where = load_profile_output(project, target, Path(profiles_dir) if profiles_dir else None)
    kind = output.get("type")
    if kind == "duckdb":
        path = Path(str(output.get("path", "")))
        return DuckDBWarehouse(path if path.is_absolute() else project / path, str(output.get("schema") or "main"))
    if kind == "bigquery":
        project_id = output.get("project") or output.get("database")  # relations are fully qualified: no dataset
        dataset = str(output.get("dataset") or output.get("schema"))
        return BigQueryWarehouse(str(project_id), dataset, output, where)
    raise WarehouseError(f"unsupported warehouse type {kind!r} (duckdb or bigquery)")
