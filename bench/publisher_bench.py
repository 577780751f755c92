"""Publisher benchmark against the GCS emulator (not a test).

    .venv/bin/python bench/publisher_bench.py [--objects 1000] [--workers 1,4,16] [--no-write]

Starts fake-gcs-server on a free 127.0.0.1 port and runs the real CLI
(``python -m publisher.cli --dest gs://...``) in child processes, so each figure
is a whole publisher run: warehouse read, documents, checks (gate, JSON Schema,
clean API), one listing, uploads, manifest. Peak memory is each child's maximum
resident set (``wait4``).

1. Synthetic: a throw-away dbt-like project (manifest.json with a contract,
   run_results.json, a DuckDB mart) with one picks-like endpoint of --objects
   dates (9 groups x up to 5 picks a day, about the size of a real picks file).
   First publish with each --workers value (a fresh bucket each), then a
   republish with nothing changed, then one with a single date changed.
2. Demo marts: when .warehouse/props.duckdb and target/manifest.json exist (make
   demo), every endpoint, every date (a full season), --runs times, interleaved:
   the bare publish (bench/bare_publish.py: read every published mart whole, group
   the rows by file, write JSON to a folder; issue #21's limit), the publisher's
   first publish into empty folders and its republish with nothing changed, then
   the same two into a fresh bucket of the emulator, and a republish with --rebuild.
   Medians (min-max) of wall and CPU time; the ratios product / bare are printed.

Results go to stdout and, unless --no-write, to bench/RESULTS.md (section
"Publisher", replaced in place; the file is created when absent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "python")]

from gcs_emulator import Emulator  # noqa: E402  (tests/python/gcs_emulator.py: the tests start the same emulator)

RESULTS = REPO / "bench" / "RESULTS.md"
SECTION = "## Publisher"
GROUPS = ["Top Pick", "Top 5", "Top 10", "Best Value", "All Picks", "Premium", "Top 3", "Alternative", "Best Value Top 5"]
PLAYERS = ["Nikola Jokić", "Luka Dončić", "Jayson Tatum", "VJ Edgecombe", "Shai Gilgeous-Alexander", "Anthony Edwards",
           "Giannis Antetokounmpo", "Devin Booker", "Jalen Brunson", "Tyrese Maxey", "Donovan Mitchell", "Kevin Durant"]
PUBLISH = {
    "path": "picks/{date}.json", "cache_control": "public, max-age=300", "group": "after-predictions",
    "document": {
        "date": "date", "generated_at": "@generated_at", "model": "model", "signal": "signal",
        "groups": {"list": ["group_id"], "order_by": ["group_id"], "fields": {
            "id": "group_id", "name": "group_name",
            "record": {"null_if": "wins", "fields": {"wins": "wins", "losses": "losses",
                                                       "pct": {"column": "pct", "round": 1}}},
            "picks": {"list": ["pick_rank"], "order_by": ["pick_rank"], "fields": {
                "player": "player", "team": "team", "opponent": "opponent",
                "prediction": {"column": "prediction", "round": 1}, "line": {"column": "line", "round": 1},
                "direction": "direction", "actual": "actual", "result": "result"}},
        }},
    },
}
COLUMNS = {"date": ("date", True), "model": ("string", True), "signal": ("string", True), "group_id": ("int64", True),
           "group_name": ("string", True), "wins": ("int64", False), "losses": ("int64", False),
           "pct": ("double", False), "pick_rank": ("int64", False), "player": ("string", False),
           "team": ("string", False), "opponent": ("string", False), "prediction": ("double", False),
           "line": ("double", False), "direction": ("string", False), "actual": ("int64", False),
           "result": ("string", False)}


def synthetic_project(root: Path, days: int) -> Path:
    (root / "dbt_project.yml").write_text("name: bench\nprofile: bench\n")
    (root / "profiles.yml").write_text(
        "bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: wh.duckdb\n")
    (root / "target").mkdir()
    node = {"resource_type": "model", "name": "picks", "relation_name": '"wh"."public"."picks"',
            "depends_on": {"nodes": []}, "config": {"meta": {"publish": PUBLISH}},
            "columns": {c: {"name": c, "data_type": t, "constraints": [{"type": "not_null"}] if nn else []}
                        for c, (t, nn) in COLUMNS.items()}}
    (root / "target" / "manifest.json").write_text(json.dumps({"nodes": {"model.bench.picks": node}}))
    (root / "target" / "run_results.json").write_text(json.dumps(  # the build the run-results gate reads
        {"metadata": {"invocation_id": "bench"}, "args": {"which": "build"},
         "results": [{"unique_id": "model.bench.picks", "status": "success", "message": "OK"}]}))
    with duckdb.connect(str(root / "wh.duckdb")) as con:
        con.execute("CREATE SCHEMA main_meta")  # the build log (macros/record_builds.sql): that build built the mart
        con.execute("""CREATE TABLE main_meta.model_builds AS SELECT '"wh"."public"."picks"' AS relation,
                       'bench' AS invocation_id, TIMESTAMP '2026-01-01 00:00:00' AS finished_at""")
        con.execute("CREATE SCHEMA public")
        con.execute(f"""
            CREATE TABLE public.picks AS
            WITH days AS (SELECT DATE '2023-01-01' + i::INTEGER AS date, i FROM range({days}) t(i)),
                 groups AS (SELECT g + 1 AS group_id, g FROM range(9) t(g)),
                 ranks AS (SELECT r + 1 AS pick_rank FROM range(5) t(r))
            SELECT d.date, '926A' AS model, ['favorable', 'neutral', 'challenging'][1 + d.i % 3] AS signal,
                   g.group_id, {GROUPS!r}[g.group_id] AS group_name,
                   (d.i * 7 + g.g) % 40 AS wins, (d.i * 5 + g.g) % 35 AS losses,
                   100.0 * ((d.i * 7 + g.g) % 40) / greatest(1, (d.i * 7 + g.g) % 40 + (d.i * 5 + g.g) % 35) AS pct,
                   r.pick_rank, {PLAYERS!r}[1 + (d.i + g.g * 3 + r.pick_rank) % {len(PLAYERS)}] AS player,
                   'DEN' AS team, 'PHI' AS opponent, 10 + ((d.i * 13 + r.pick_rank * 7 + g.g) % 250) / 10.0 AS prediction,
                   10.5 + (d.i + r.pick_rank) % 20 AS line,
                   CASE WHEN (d.i + r.pick_rank) % 2 = 0 THEN 'OVER' ELSE 'UNDER' END AS direction,
                   (d.i + r.pick_rank * 3) % 40 AS actual,
                   ['hit', 'miss', 'push', 'void'][1 + (d.i + r.pick_rank) % 4] AS result
            FROM days d CROSS JOIN groups g JOIN ranks r ON r.pick_rank <= 1 + (d.i + g.g) % 5""")
    from publisher.cli import main

    if main(["schemas", "--project-dir", str(root), "--write"]) != 0:
        raise SystemExit("bench: cannot write the synthetic project's schema")
    return root


def create_bucket(emulator: Emulator) -> str:
    name = f"bench-{uuid.uuid4().hex[:10]}"
    request = urllib.request.Request(f"{emulator.url}/storage/v1/b?project=bench", method="POST",
                                     data=json.dumps({"name": name}).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()
    return name


def child(command: list[str], env: dict) -> tuple[bytes, dict]:
    """One child process: its stdout, and its wall and CPU (user + system) seconds and peak RSS (MB)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, env=env, cwd=REPO)
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if code != 0:
        raise SystemExit(f"bench: {' '.join(command[:4])} exited {code}:\n{stderr[-3000:]}")
    return out, {"wall": time.monotonic() - started, "cpu": usage.ru_utime + usage.ru_stime,
                 "peak_mb": usage.ru_maxrss / 1024}  # kilobytes on Linux


def publish(project: Path, dest: str, env: dict, *args: str) -> dict:
    """One CLI run in a child process: its --json report, plus its wall, CPU and peak RSS."""
    out, usage = child([sys.executable, "-m", "publisher.cli", "--project-dir", str(project), "--profiles-dir",
                        str(project), "--dest", dest, "--json", "-q", *args], env)
    return {**json.loads(out), **usage}


def counts(report: dict) -> dict:
    """Objects of the run (documents and schemas; the manifest apart) by what happened to them."""
    rows = [e for e in report["endpoints"] if e["name"] != "(manifest)"]
    return {k: sum(e[k] for e in rows) for k in ("files", "created", "updated", "unchanged")}


def bench_synthetic(emulator: Emulator, days: int, workers: list[int], env: dict) -> dict:
    results = {"objects": days, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        project = synthetic_project(Path(tmp), days)
        for n in workers:
            bucket = create_bucket(emulator)
            report = publish(project, f"gs://{bucket}/site", env, "--all-dates", "--workers", str(n))
            uploaded = counts(report)["created"]
            seconds = report["seconds"]
            results["runs"].append({"workers": n, "uploaded": uploaded, "upload_s": seconds["upload"],
                                    "per_s": uploaded / seconds["upload"], "total_s": seconds["total"],
                                    "build_s": seconds["build_and_check"], "peak_mb": report["peak_mb"]})
        results["bytes"] = stored_bytes(emulator, bucket)
        again = publish(project, f"gs://{bucket}/site", env, "--all-dates", "--workers", str(workers[-1]),
                        "--generated-at", "2030-01-01T00:00:00")
        results["republish"] = {"uploaded": counts(again)["created"] + counts(again)["updated"],
                                "seconds": again["seconds"], "peak_mb": again["peak_mb"]}
        rebuilt = publish(project, f"gs://{bucket}/site", env, "--all-dates", "--workers", str(workers[-1]),
                          "--rebuild")
        results["rebuild"] = {"uploaded": counts(rebuilt)["created"] + counts(rebuilt)["updated"],
                              "seconds": rebuilt["seconds"], "peak_mb": rebuilt["peak_mb"]}
        with duckdb.connect(str(project / "wh.duckdb")) as con:
            con.execute("UPDATE public.picks SET line = line + 1 WHERE date = DATE '2023-01-01' + 17")
        one = publish(project, f"gs://{bucket}/site", env, "--all-dates", "--workers", str(workers[-1]))
        results["one_changed"] = {"uploaded": counts(one)["created"] + counts(one)["updated"],
                                  "manifest": one["manifest"], "seconds": one["seconds"]}
    return results


def stored_bytes(emulator: Emulator, bucket: str) -> int:
    total, token = 0, None
    while True:
        query = f"?maxResults=1000{'&pageToken=' + token if token else ''}"
        with urllib.request.urlopen(f"{emulator.url}/storage/v1/b/{bucket}/o{query}", timeout=30) as response:
            page = json.loads(response.read())
        total += sum(int(item["size"]) for item in page.get("items", []))
        token = page.get("nextPageToken")
        if not token:
            return total


def bench_demo(emulator: Emulator, warehouse: Path, target: Path, env: dict, workers: int, runs: int) -> dict | None:
    """Bare publish, the product into folders and into the emulator, ``runs`` times each, interleaved."""
    if not warehouse.is_file() or not (target / "manifest.json").is_file():
        return None
    env = {**env, "DUCKDB_PATH": str(warehouse), "DBT_PROFILES_DIR": str(REPO), "DBT_TARGET_PATH": str(target)}
    found: dict[str, list[dict]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            _, bare = child([sys.executable, str(REPO / "bench" / "bare_publish.py"), "--manifest",
                             str(target / "manifest.json"), "--warehouse", str(warehouse), "--out", f"{tmp}/bare"], env)
            found.setdefault("bare", []).append(bare)
            folders = ["--admin-dest", f"{tmp}/site-admin", "--all-dates", "--workers", str(workers)]
            found.setdefault("folder_first", []).append(publish(REPO, f"{tmp}/site", env, *folders))
            found.setdefault("folder_again", []).append(
                publish(REPO, f"{tmp}/site", env, *folders, "--generated-at", "2030-01-01T00:00:00"))
        bucket, admin = create_bucket(emulator), create_bucket(emulator)
        buckets = ["--admin-dest", f"gs://{admin}/site", "--all-dates", "--workers", str(workers)]
        found.setdefault("first", []).append(publish(REPO, f"gs://{bucket}/site", env, *buckets))
        found.setdefault("republish", []).append(
            publish(REPO, f"gs://{bucket}/site", env, *buckets, "--generated-at", "2030-01-01T00:00:00"))
    found["rebuild"] = [publish(REPO, f"gs://{bucket}/site", env, *buckets, "--rebuild")]
    first = found["first"][0]
    return {"runs": found, "workers": workers, "objects": counts(first)["files"],
            "bytes": stored_bytes(emulator, bucket) + stored_bytes(emulator, admin),
            "endpoints": sorted(e["name"] for e in first["endpoints"] if not e["name"].startswith("(")),
            "republish_uploaded": max(counts(r)["created"] + counts(r)["updated"]
                                      for r in found["republish"] + found["folder_again"])}


def median(values: list[float]) -> float:
    return statistics.median(values)


def figure(runs: list[dict], key: str = "wall") -> str:
    """'12.3 s (11.9-13.0)': the median and range of ``runs``."""
    values = [run[key] for run in runs]
    spread = f" ({min(values):.1f}-{max(values):.1f})" if len(values) > 1 else ""
    return f"{median(values):.1f} s{spread}"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else "?"
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO).stdout.strip()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "publisher", "schemas",
                                                 "bench/publisher_bench.py") else ""
    return f"{git('rev-parse', '--short', 'HEAD') or '?'}{dirty}"


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def render(synthetic: dict | None, demo: dict | None, day: str, load_before: str) -> str:
    lines = [SECTION, "",
             f"`bench/publisher_bench.py`, {day}, commit {commit()}; machine: {machine()}; load average "
             f"(1/5/15 min) {load_before} before, {load()} after (other sessions shared the machine: "
             "upper bounds).",
             "GCS emulator: fake-gcs-server (memory backend, 127.0.0.1). Every figure is a whole CLI run in a",
             "child process (warehouse read, documents, gate + JSON Schema + clean-API checks, one listing,",
             "uploads, v1/manifest.json); CPU is the child's user + system time, peak memory its maximum resident set."]
    if synthetic:
        s = synthetic
        lines += ["", f"Synthetic picks-like endpoint, {s['objects']} dates = {s['objects']} documents "
                  f"+ 1 schema (+ the manifest), {s['bytes'] / 1e6:.1f} MB stored:", "",
                  "| workers | objects uploaded | upload phase | objects/s (upload phase) | whole run | peak memory |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for run in s["runs"]:
            lines.append(f"| {run['workers']} | {run['uploaded']} | {run['upload_s']:.2f} s | {run['per_s']:.0f} | "
                         f"{run['total_s']:.2f} s | {run['peak_mb']:.0f} MB |")
        r, b, o = s["republish"], s["rebuild"], s["one_changed"]
        lines += ["",
                  f"- Republish with nothing changed: {r['uploaded']} uploads, whole run {r['seconds']['total']:.2f} s "
                  f"(one listing {r['seconds']['list']:.2f} s; every document known unchanged by its stored "
                  f"fingerprint, so none is built), peak {r['peak_mb']:.0f} MB.",
                  f"- The same with `--rebuild` (every document built, checked and hashed; what a run does after a "
                  f"publisher upgrade): {b['uploaded']} uploads, whole run {b['seconds']['total']:.2f} s, "
                  f"peak {b['peak_mb']:.0f} MB.",
                  f"- One date changed: {o['uploaded']} document uploaded plus the manifest ({o['manifest']}), "
                  f"whole run {o['seconds']['total']:.2f} s."]
    if demo:
        runs = demo["runs"]
        bare_wall, bare_cpu = (median([r[k] for r in runs["bare"]]) for k in ("wall", "cpu"))

        def row(label: str, name: str) -> str:
            found = runs[name]
            ratio = "" if name == "bare" else (f" | {median([r['wall'] for r in found]) / bare_wall:.2f} | "
                                               f"{median([r['cpu'] for r in found]) / bare_cpu:.2f}")
            return (f"| {label} | {figure(found)} | {figure(found, 'cpu')} | "
                    f"{median([r['peak_mb'] for r in found]):.0f} MB{ratio or ' | - | -'} |")

        lines += ["",
                  f"Demo marts (the `make demo` warehouse: 1 season, seed 42, after `dbt build`), every endpoint, "
                  f"every date ({', '.join(demo['endpoints'])}): {demo['objects']} objects, "
                  f"{demo['bytes'] / 1e6:.1f} MB, {demo['workers']} workers; medians of {len(runs['bare'])} runs "
                  "(min-max), the kinds interleaved:", "",
                  "| run | wall | CPU | peak memory | wall / bare | CPU / bare |", "|---|---:|---:|---:|---:|---:|",
                  row("bare publish (bench/bare_publish.py), into a folder", "bare"),
                  row("first publish, into empty folders", "folder_first"),
                  row("republish, nothing changed, folders (every document rebuilt and compared)", "folder_again"),
                  row("first publish, into empty buckets (emulator)", "first"),
                  row("republish, nothing changed, buckets (known unchanged by fingerprint)", "republish"),
                  row("republish with `--rebuild`, buckets", "rebuild"), "",
                  f"Republishes uploaded {demo['republish_uploaded']} object(s). Target (issue #21): first publish "
                  "at most 1.5 x the bare publish."]
    else:
        lines += ["", "Demo marts: `.warehouse/props.duckdb` (make demo) was absent; synthetic documents only."]
    lines += ["", "Targets (issue 6): >= 200 objects/s with 16 workers; republish of 1,000 unchanged objects < 2 s; "
                  "peak memory < 500 MB for a full season."]
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda m: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=1000, help="synthetic documents (default: 1000)")
    parser.add_argument("--workers", default="1,4,16", help="worker counts of the first publish (default: 1,4,16)")
    parser.add_argument("--warehouse", default=str(REPO / ".warehouse" / "props.duckdb"),
                        help="demo warehouse built by make demo (default: .warehouse/props.duckdb)")
    parser.add_argument("--target-path", default=str(REPO / "target"),
                        help="dbt target folder of that build: manifest.json, run_results.json (default: target)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each demo figure (default: 3)")
    parser.add_argument("--demo-only", action="store_true", help="skip the synthetic endpoint")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    workers = [int(n) for n in args.workers.split(",")]
    load_before = load()
    with Emulator() as emulator:
        env = {**os.environ, "STORAGE_EMULATOR_HOST": emulator.url, "PYTHONPATH": str(REPO)}
        synthetic = None if args.demo_only else bench_synthetic(emulator, args.objects, workers, env)
        demo = bench_demo(emulator, Path(args.warehouse), Path(args.target_path), env, workers[-1], args.runs)
    section = render(synthetic, demo, dt.date.today().isoformat(), load_before)
    print(section)
    if not args.no_write:
        write_section(section)
        print(f"written to {RESULTS.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
