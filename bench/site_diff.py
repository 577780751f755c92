"""Build the published site with two versions of the project on the same warehouses, and diff.

    .venv/bin/python bench/site_diff.py                  # HEAD against the working tree
    .venv/bin/python bench/site_diff.py --base abc123 --warehouses tiny,pick_engine

For each warehouse (the demo: one generated season; each hand-written fixture under
tests/warehouses/), the SAME upstream tables are built by both versions: the warehouse
is generated (or loaded) once, with the base version's generator, and copied for each
side. Each side then runs its own `dbt build` and its own publisher
(`--all-dates --generated-at` fixed), in a folder of its own. The two sites must hold
the same files with the same bytes; v1/manifest.json is compared by its objects'
content hashes (generations are write times). Exit code 0 when every site is identical.

The base version is checked out with `git worktree` into a temporary folder (removed at
the end); the head version is this working tree. Both run with this checkout's .venv.
Issue #16's acceptance ("every published byte stays the same") is this script's verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
DBT = PYTHON.parent / "dbt"
FIXTURES = ("tiny", "pick_engine", "live")
GENERATED_AT = "2026-01-01T00:00:00Z"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")


def make_warehouse(name: str, source: Path, out: Path, seasons: int) -> None:
    """The upstream tables, built with the base version's generator or fixture loader."""
    if name == "demo":
        run([str(PYTHON), "-m", "sample_data.generate", "--seasons", str(seasons), "--seed", "42", "--out", str(out)],
            cwd=source)
    else:
        run([str(PYTHON), "-m", "sample_data.fixture", "--src", str(source / "tests" / "warehouses" / name),
             "--out", str(out)], cwd=source)


def build_site(code: Path, warehouse: Path, folder: Path, extra_vars: str | None) -> tuple[Path, list[str]]:
    """dbt build + publish --all-dates with the project at `code`, on a copy of `warehouse`;
    the site folder and the publisher's FAILED lines (none when it succeeded: a warehouse that
    cannot be published whole, like the live fixture before its night is graded, must fail the
    same way on both sides)."""
    folder.mkdir(parents=True)
    copy = folder / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    shutil.copyfile(code / "profiles.yml.example", folder / "profiles.yml")
    env = {**os.environ, "DUCKDB_PATH": str(copy), "DBT_PROFILES_DIR": str(folder), "DBT_TARGET": "dev",
           "DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PYTHONPATH": str(code)}
    command = [str(DBT), "build", "--project-dir", str(code)]
    if extra_vars:
        command += ["--vars", extra_vars]
    run(command, cwd=folder, env=env)
    # a publisher with two destinations (issue #19) writes the admin files to a private one
    private = ["--admin-dest", str(folder / "site-admin")] if "--admin-dest" in (code / "publisher" / "cli.py").read_text() else []
    done = subprocess.run([str(PYTHON), "-m", "publisher.cli", "--project-dir", str(folder), "--profiles-dir",
                           str(folder), "--schemas-dir", str(code / "schemas"), "--dest", str(folder / "site"),
                           *private, "--all-dates", "-q", "--generated-at", GENERATED_AT],
                          cwd=code, env=env, capture_output=True, text=True)
    failed = sorted(line for line in done.stderr.splitlines()
                    if line.startswith("FAILED ") and not line.startswith("FAILED in "))
    if done.returncode != 0 and not failed:
        raise SystemExit(f"publisher failed with no FAILED line:\n{done.stderr[-4000:]}")
    return folder / "site" / "v1", failed


def files_of(site: Path) -> dict[str, bytes]:
    """The site's files by path; those of a private destination beside it (site-admin/v1) too, its manifest as
    'manifest.json (private destination)'."""
    found = {}
    private = site.parent.parent / "site-admin" / "v1"
    if private.is_dir() and site.parent.name == "site":
        found = {("manifest.json (private destination)" if path == "manifest.json" else path): data
                 for path, data in files_of(private).items()}
    for file in sorted(site.rglob("*")):
        if file.is_file():
            data = file.read_bytes()
            if file.name == "manifest.json" and file.parent == site:
                objects = json.loads(data)["objects"]
                data = json.dumps({path: entry["hash"] for path, entry in objects.items()}, sort_keys=True).encode()
            found[file.relative_to(site).as_posix()] = data
    return found


def compare(base: dict[str, bytes], head: dict[str, bytes]) -> list[str]:
    problems = [f"only in base: {p}" for p in sorted(base.keys() - head.keys())]
    problems += [f"only in head: {p}" for p in sorted(head.keys() - base.keys())]
    problems += [f"differs: {p}" for p in sorted(base.keys() & head.keys()) if base[p] != head[p]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD", help="git revision of the base version (default: HEAD)")
    parser.add_argument("--head", help="the head version: a folder, or a git revision checked out like the base "
                        "(default: this working tree)")
    parser.add_argument("--warehouses", default=",".join(("demo", *FIXTURES)),
                        help=f"comma-separated: demo and/or fixtures {', '.join(FIXTURES)} (default: all)")
    parser.add_argument("--seasons", type=int, default=1, help="seasons of the demo warehouse (default: 1)")
    parser.add_argument("--vars", help="dbt --vars for both builds (e.g. a lock clock)")
    parser.add_argument("--keep", help="keep the sites in this folder")
    args = parser.parse_args(argv)
    scratch = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="site-diff-"))
    scratch.mkdir(parents=True, exist_ok=True)
    checkouts = [(scratch / "base-code", args.base)]
    head = PROJECT
    if args.head and Path(args.head).is_dir():
        head = Path(args.head).resolve()
    elif args.head:
        head = scratch / "head-code"
        checkouts.append((head, args.head))
    for folder, revision in checkouts:
        if folder.exists():
            run(["git", "worktree", "remove", "--force", str(folder)], cwd=PROJECT)
        run(["git", "worktree", "add", "--detach", str(folder), revision], cwd=PROJECT)
    base = checkouts[0][0]
    failed = False
    try:
        for name in [w.strip() for w in args.warehouses.split(",") if w.strip()]:
            if name != "demo" and name not in FIXTURES:
                raise SystemExit(f"--warehouses: unknown {name!r} (demo, {', '.join(FIXTURES)})")
            started = time.monotonic()
            folder = scratch / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            warehouse = folder / "upstream.duckdb"
            make_warehouse(name, base, warehouse, args.seasons)
            built = [build_site(code, warehouse, folder / side, args.vars) for side, code in (("base", base), ("head", head))]
            sites = [files_of(site) for site, _ in built]
            problems = compare(*sites)
            if built[0][1] != built[1][1]:
                problems.append(f"publisher failures differ: base {built[0][1]} / head {built[1][1]}")
            failed |= bool(problems)
            verdict = "IDENTICAL" if not problems else f"{len(problems)} DIFFERENCE(S)"
            log(f"{name}: {len(sites[0])} base / {len(sites[1])} head files: {verdict} "
                f"({time.monotonic() - started:.0f}s)")
            for problem in problems[:40]:
                log(f"  {problem}")
    finally:
        for folder, _ in checkouts:
            run(["git", "worktree", "remove", "--force", str(folder)], cwd=PROJECT)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    log("every site identical" if not failed else "sites differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
