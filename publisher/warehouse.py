"""Read mart rows (JSON-native) from DuckDB or BigQuery: the dbt profile's output (profiles.yml rendered with
env_var, as dbt does) says which. The only module that knows the engine."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import re
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import jinja2
import yaml

from publisher.serialize import json_native

BUILD_LOG = "model_builds"  # in <target schema>_meta, written by dbt's on-run-end hook (macros/record_builds.sql)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BATCH = 10_000  # rows fetched at a time by iter_rows
NATIVE_TYPES = frozenset({str, int, float, bool, type(None)})
PARAMETER_TYPES = ((bool, "BOOL"), (int, "INT64"), (float, "FLOAT64"), (Decimal, "NUMERIC"), (dt.datetime, "TIMESTAMP"),
                   (dt.date, "DATE"))  # BigQuery query parameters; anything else is a STRING


class WarehouseError(RuntimeError):
    """The profile or the warehouse cannot be used."""


def native_rows(relation: str, names: list[str], batch: Sequence[Sequence[Any]]) -> Iterator[dict]:
    """A batch of rows (value tuples) as dicts of JSON-native values, converted column by column: a column of dates,
    timestamps or decimals converts each distinct value once. A number that is not finite has no JSON form: an
    error here, naming the column and the first such row (orjson, which serializes the documents, would write it as
    null)."""
    columns = []
    for name, column in zip(names, zip(*batch)):
        if not NATIVE_TYPES.issuperset(map(type, column)):
            try:
                native = {value: json_native(value) for value in set(column)}
                column = tuple(map(native.__getitem__, column))
            except TypeError:  # unhashable values (lists)
                column = tuple(map(json_native, column))
        if set(map(type, column)) & {float, list, dict} and not all(map(json_finite, column)):
            row = batch[next(i for i, value in enumerate(column) if not json_finite(value))]
            key = ", ".join(f"{n}={v}" for n, v in zip(names[:3], row))
            raise WarehouseError(f"{relation}: column {name!r} holds a number that is not finite (NaN or infinity), "
                                 f"e.g. in the row {key}: no JSON number is; correct the model (a division by zero?), "
                                 "then run dbt build")
        columns.append(column)
    return map(dict, map(zip, itertools.repeat(names), zip(*columns)))


def json_finite(value: Any) -> bool:
    """Whether a JSON-native value holds no NaN or infinity (in a list or struct too: the json module says)."""
    if type(value) is float:
        return math.isfinite(value)
    if type(value) in (list, dict):
        try:
            json.dumps(value, allow_nan=False)
        except ValueError:
            return False
    return True


class Warehouse:
    """The warehouse of the dbt profile. Engines differ in how they quote, pass parameters and fetch (``_fetch``)."""
    quote, parameter = '"', "?"  # parameter: a query parameter, by its name
    build_log = ""  # the relation of the build log

    def _quote(self, name: str) -> str:
        if not IDENTIFIER.fullmatch(name):
            raise WarehouseError(f"bad column name {name!r}")
        return f"{self.quote}{name}{self.quote}"

    def iter_rows(self, relation: str, where: dict[str, Any] | None = None,
                  order_by: Sequence[str] = ()) -> Iterator[dict]:
        """The rows of a relation filtered by ``where`` (column -> value, or a (first, last) inclusive range) and sorted
        by ``order_by``, streamed in batches, JSON-native."""
        clauses, params = [], []
        for i, (column, value) in enumerate((where or {}).items()):
            if isinstance(value, tuple):
                clauses.append(f"{self._quote(column)} BETWEEN {self.parameter.format(f'p{i}')} "
                               f"AND {self.parameter.format(f'p{i}_last')}")
                params += [(f"p{i}", value[0]), (f"p{i}_last", value[1])]
            else:
                clauses.append(f"{self._quote(column)} = {self.parameter.format(f'p{i}')}")
                params.append((f"p{i}", value))
        sql = f"SELECT * FROM {relation}" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        sql += " ORDER BY " + ", ".join(self._quote(c) for c in order_by) if order_by else ""
        for names, batch in self._fetch(sql, params):
            yield from native_rows(relation, names, batch)

    def distinct_values(self, relation: str, column: str) -> list:
        """Sorted distinct non-null values of a column (as the engine has them: dates are dates)."""
        c = self._quote(column)
        return [row[0] for _, batch in self._fetch(f"SELECT DISTINCT {c} FROM {relation} WHERE {c} IS NOT NULL "
                                                   "ORDER BY 1", []) for row in batch]

    def _fetch(self, sql: str, params: list[tuple[str, Any]]) -> Iterator[tuple[list[str], Sequence[Sequence[Any]]]]:
        """The query's rows in batches of value tuples, each with the column names."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class DuckDBWarehouse(Warehouse):
    def __init__(self, path: str | os.PathLike, schema: str = "main") -> None:
        import duckdb

        try:
            self.connection = duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as error:  # no DuckDB file there, or another process holds it (a build, a shell)
            raise WarehouseError(f"cannot read {path}: {str(error).split(' See also ')[0]} (point DUCKDB_PATH at the "
                                 "warehouse, or close the process that holds it; nothing was published)") from None
        self.build_log = f"{self._quote(schema + '_meta')}.{BUILD_LOG}"

    def _fetch(self, sql: str, params: list[tuple[str, Any]]) -> Iterator[tuple[list[str], Sequence[Sequence[Any]]]]:
        with closing(self.connection.cursor()) as cursor:
            cursor.execute(sql, [value for _, value in params])
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(BATCH):
                yield names, batch

    def close(self) -> None:
        self.connection.close()


def bigquery_client(output: dict, where: str) -> Any:
    """A BigQuery client of the profile output, authenticated as dbt authenticates it: dbt-bigquery's own code turns
    the output into credentials (``method``: oauth, service-account, service-account-json, oauth-secrets, ...;
    ``scopes``, ``impersonate_service_account``) and names the job project, quota project and ``api_endpoint``."""
    from dbt.adapters.bigquery.credentials import BigQueryCredentials, create_google_credentials
    from google.cloud import bigquery

    try:
        fields = BigQueryCredentials.translate_aliases({k: v for k, v in output.items()
                                                        if k not in ("type", "threads")})
        BigQueryCredentials.validate(fields)
        profile = BigQueryCredentials.from_dict(fields)
        credentials = create_google_credentials(profile)
    except Exception as error:  # noqa: BLE001 - a bad field, a missing key file, no default credentials: one line
        field = ".".join(map(str, getattr(error, "path", None) or ()))  # dbt errors carry path=None
        text = " ".join(str(getattr(error, "message", None) or getattr(error, "msg", None) or error).split())
        raise WarehouseError(f"{where}: BigQuery credentials (method {output.get('method')!r}): "
                             f"{field + ': ' if field else ''}{text}") from error
    options = {"api_endpoint": profile.api_endpoint, "quota_project_id": profile.quota_project}
    return bigquery.Client(project=profile.execution_project, credentials=credentials, location=profile.location,
                           client_options=options)


class BigQueryWarehouse(Warehouse):
    quote, parameter = "`", "@{}"

    def __init__(self, project: str, dataset: str, output: dict, where: str) -> None:
        from google.cloud import bigquery

        self.bigquery, self.client = bigquery, bigquery_client(output, where)
        self.build_log = f"`{project}`.{self._quote(dataset + '_meta')}.{BUILD_LOG}"

    def _fetch(self, sql: str, params: list[tuple[str, Any]]) -> Iterator[tuple[list[str], Sequence[Sequence[Any]]]]:
        parameters = [self.bigquery.ScalarQueryParameter(name, next(
            (kind for type_, kind in PARAMETER_TYPES if isinstance(value, type_)), "STRING"), value)
            for name, value in params]
        rows = iter(self.client.query(sql, job_config=self.bigquery.QueryJobConfig(query_parameters=parameters))
                    .result(page_size=BATCH))
        while batch := list(itertools.islice(rows, BATCH)):
            yield list(batch[0].keys()), [tuple(row.values()) for row in batch]

    def close(self) -> None:
        self.client.close()


def last_builds(warehouse: Warehouse) -> tuple[str, dict[str, tuple[str, str]]]:
    """The build log's relation, and relation -> (invocation id, finished at) of the last build of each."""
    rows = sorted(warehouse.iter_rows(warehouse.build_log), key=lambda row: str(row["finished_at"]))
    return warehouse.build_log, {row["relation"]: (row["invocation_id"], row["finished_at"]) for row in rows}


def load_profile_output(project_dir: Path, target: str | None = None,
                        profiles_dir: Path | None = None) -> tuple[dict, str]:
    """The rendered output of the project's dbt profile for ``target``, and where it is (file, profile, output)."""
    env_dir = os.environ.get("DBT_PROFILES_DIR")
    named = f"--profiles-dir {profiles_dir}" if profiles_dir else f"DBT_PROFILES_DIR={env_dir}" if env_dir else None
    if named:  # as dbt: a folder named is the one read, never passed over for another
        file = Path(profiles_dir or env_dir or "") / "profiles.yml"
        if not file.is_file():
            raise WarehouseError(f"{named}: no profiles.yml in that folder (name the folder that holds it)")
    else:
        candidates = [project_dir, Path.home() / ".dbt"]
        found = next((d / "profiles.yml" for d in candidates if (d / "profiles.yml").is_file()), None)
        if found is None:
            raise WarehouseError(f"no profiles.yml found (looked in {', '.join(map(str, candidates))})")
        file = found

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise WarehouseError(f"{file}: env var {name} is not set and has no default")
        return default

    profiles = read_yaml(file, lambda text: jinja2.Environment().from_string(text).render(env_var=env_var)) or {}
    project_file = project_dir / "dbt_project.yml"
    name = (read_yaml(project_file) or {}).get("profile") if project_file.is_file() else None
    names = [n for n in profiles if n != "config"]
    name = name or (names[0] if len(names) == 1 else None)
    if name not in profiles:
        raise WarehouseError(f"{file}: profile {name!r} not found")
    target = target or profiles[name].get("target")
    outputs = profiles[name].get("outputs") or {}
    if target not in outputs:
        raise WarehouseError(f"{file}: profile {name!r} has no output {target!r}")
    return outputs[target], f"{file}: profile {name!r}, output {target!r}"


def read_yaml(file: Path, render: Callable[[str], str] = str) -> Any:
    """``file`` parsed (after ``render``: the profile's Jinja); a mistake in it is a WarehouseError naming the file
    and the line."""
    try:
        return yaml.safe_load(render(file.read_text()))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise WarehouseError(f"{file}: not valid YAML{where}: {problem}; fix the file") from None
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None)
        raise WarehouseError(f"{file}: not a valid dbt template{f' (line {line})' if line else ''}: {error.message}; "
                             "fix the file") from None


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
