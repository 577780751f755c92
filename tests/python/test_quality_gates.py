"""The lint gates fail, naming the rule and the file, when a change breaks a rule.

A copy of the dbt project (models, macros, seeds, generic tests, the lint configs) gets
two scratch models: models/marts/public/foo.sql (a public mart without the public_
prefix, nor description, test, contract or exposure) and a badly formatted intermediate
model. dbt-bouncer (through tests/bouncer/run.py, as `make lint` runs it) and sqlfluff
(the project's .sqlfluff, dbt templater) must both fail on them. The clean project
passing is `make lint` itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import DBT_PROCESSES, PROJECT_DIR

BIN = Path(sys.executable).parent
COPIED = ["models", "macros", "seeds", "tests/generic", "tests/bouncer", "dbt_project.yml", "selectors.yml",
          "dbt-bouncer.yml", ".sqlfluff"]
BAD_NAME = "models/marts/public/foo.sql"
BAD_FORMAT = "models/intermediate/picks/int_scratch_formatted.sql"


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("gates") / "project"
    for name in COPIED:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / name)
    shutil.copyfile(PROJECT_DIR / "profiles.yml.example", root / "profiles.yml")
    (root / BAD_NAME).write_text("select game_date from {{ ref('int_game_dates_calendared') }}\n")
    (root / BAD_FORMAT).write_text(
        "SELECT Player_Lookup,game_id\n  FROM {{ ref('int_candidates_scored') }}\n"
    )
    env = dict(os.environ, DBT_PROFILES_DIR=str(root), DUCKDB_PATH=str(root / "lint.duckdb"),
               DBT_LOG_PATH=str(root / "logs"), DBT_TARGET="dev", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.pop("DBT_TARGET_PATH", None)
    return root, env


def run(args: list[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_dbt_bouncer_names_the_rule_and_the_file(broken_project):
    root, env = broken_project
    parsed = DBT_PROCESSES.run(["parse", "-q", "--target-path", "target/lint"], env, root)
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    done = run([sys.executable, str(root / "tests/bouncer/run.py"), "--project-dir", str(root)], root, env)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert (f"{BAD_NAME}: check_model_names: public marts are public_<endpoint> - "
            "`foo` does not match the supplied regex `^public_[a-z0-9_]+$`.") in lines, done.stdout
    # the other rules foo.sql breaks, each on its own line with the file
    for rule in ["check_model_has_tests_by_name", "check_model_description_populated",
                 "check_model_has_contracts_enforced"]:
        assert any(line.startswith(f"{BAD_NAME}: {rule}: ") for line in lines), (rule, done.stdout)
    assert "project rule(s) broken" in lines[-1]


def test_sqlfluff_names_the_rule_and_the_file(broken_project):
    root, env = broken_project
    done = run([str(BIN / "sqlfluff"), "lint", BAD_FORMAT, "--processes", "1"], root, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"== [{BAD_FORMAT}] FAIL" in done.stdout
    for rule in ["CP01", "LT01", "LT02"]:  # upper-case keywords, missing space after comma, indent
        assert f"| {rule} |" in done.stdout, (rule, done.stdout)
