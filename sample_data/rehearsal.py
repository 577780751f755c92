"""A rehearsal of the schedule: game days of the sample replayed on a simulated clock, every
run the documented `make scheduled GROUP=...` (docs/deployment.md), every morning checked.

    python -m sample_data.rehearsal --out .warehouse/rehearsal          # what make rehearsal runs
    python -m sample_data.rehearsal --out DIR --start 2024-10-29 --days 2 --fail-day 2

A truth warehouse (``sample_data.generate --today``: the morning after the last replayed
day) feeds the rehearsal's warehouse through ``sample_data.feed``: before each run its
upstream tables hold what the upstream had loaded at the run's clock, and dbt's state stays
from run to run. For each replayed game day D (UTC; the sample's upstream times: prediction
runs 14:15 and 17:15, tip-offs from 23:00, final box scores the next day at 10:00):

    D 17:30            after-predictions   both prediction runs of D have landed (the first
                                           run of the rehearsal builds everything before)
    first tip-off+90'  live                a live cycle during D's games
    D+1 11:00          after-predictions   the morning run: D's box scores landed at 10:00
    D+1 11:05, 11:10   hourly, daily       (--short: on the first morning only)

Each run is ``make scheduled GROUP=G CLOCK=...`` with DEST=OUT/site, ADMIN_DEST=OUT/site-admin,
STATE_DIR=OUT/target, REPORT=OUT/reports/NN-G.json (the publisher's --json report); its
output goes to OUT/logs/NN-G.log.

On day --fail-day the evening run gets a bad input: a model re-registered with a new
artefact while its old registry row stays (two different rows for one system_id: the
staging primary key fails, the build stops). The upstream corrects it before the next run
(the feed rewrites its tables from scratch). The live cycle that follows succeeds: the
registry's staging is a view, so the corrected row is what its test sees again (a bad row
kept in a staging table, such as a prediction, would fail the live cycle's upstream tests
too, until the next after-predictions build replaces it). After that live cycle, on-call
republishes the after-predictions group (``make publish GROUP=after-predictions``), the
issue's reproduction: it must be refused, since the group's run state holds the failed
build (the live cycle has its own).

Checks, each failure a problem line (any problem: exit 1):

- after each morning after-predictions run: no picks/, best-bets/ or admin/picks/ file of a
  date whose box scores are loaded says pending (a pick's ``result`` null, or the value
  "pending" anywhere), and every such date that has predictions has its three files (a date
  with a game that has no box score, the postponed game, may stay pending until box scores of
  a later date are loaded: the game may be played a day late); but a date with no candidate in
  the record, which no build that passed showed before its tip-offs (every evening build
  failed), has no admin/picks file, and its picks/ and best-bets/ files list no pick;
- after each after-predictions run: the picks/ and best-bets/ files of every day whose
  evening run (the last before the day's tip-offs) succeeded still show what it published,
  results and running records aside (``as_shown``): the record is what users saw;
- the failed run and the refused republish: non-zero exit, and the two sites (DEST and
  ADMIN_DEST) byte for byte what they were before;
- the first good after-predictions run after the failure has caught up: a dry run of the
  group then plans no upload (every changed file is published).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sample_data import feed

PROJECT_DIR = Path(__file__).resolve().parents[1]
MORNING, HOURLY, DAILY, EVENING = dt.time(11, 0), dt.time(11, 5), dt.time(11, 10), dt.time(17, 30)
LIVE_AFTER_TIPOFF = dt.timedelta(minutes=90)
DATED = ("picks", "best-bets", "admin/picks")  # the dated files that carry results
SHOWN = ("picks", "best-bets")  # the public dated files a user reads before the games
# the record of candidates (what a build that passed showed before each tip-off): a date with none in it has no
# admin/picks file, and its public files list no pick
RECORDED_CANDIDATES = "props_intermediate.int_candidates_locked"
# what the games and the days after them may change in those files: the results, the running records
AFTER_THE_GAMES = {"actual", "result", "record", "generated_at"}
BAD_INPUT = """
insert into nba_predictions.model_registry
select * replace (model_file_name || '.retrained' as model_file_name) from nba_predictions.model_registry
where system_id = (select min(system_id) from nba_predictions.model_registry)
"""


@dataclass(frozen=True)
class Step:
    clock: dt.datetime
    group: str
    what: str  # morning, hourly, daily, evening, live, republish
    day: dt.date  # the game day the step belongs to
    inject: bool = False  # the evening run that gets the bad input

    @property
    def label(self) -> str:
        return f"{self.clock:%Y-%m-%d %H:%M} {self.what:<9} {self.group}"


LABEL_WIDTH = len("2024-10-29 17:30 republish after-predictions")  # the longest label: the columns after it align


@dataclass
class Result:
    number: int
    step: Step
    returncode: int
    seconds: float
    report: dict | None
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # what the checks looked at
    pending: dict[str, int] = field(default_factory=dict)  # "picks/DATE.json" -> values "pending", after the step

    def uploaded(self) -> dict[str, str]:
        """Path -> created / updated of the objects this run uploaded (from its --json report)."""
        objects = (self.report or {}).get("objects", [])
        return {o["path"]: o["status"] for o in objects if o["status"] in ("created", "updated")}


# ----------------------------------------------------------------------------- plan


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of ``sql`` on a DuckDB file, opened read-only for the query alone."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def game_days(truth: Path, start: dt.date, days: int) -> list[dt.date]:
    """The first ``days`` dates from ``start`` on that have predictions in the truth."""
    rows = query(truth, f"select distinct game_date from {feed.PRED} where game_date >= ? order by 1 limit ?",
                 [start, days])
    return [r[0] for r in rows]


def first_tipoff(truth: Path, day: dt.date) -> dt.datetime:
    [(tip,)] = query(truth, f"select min(game_start_at) from {feed.CTX} where game_date = ?", [day])
    return tip or dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0))


def plan(truth: Path, days: list[dt.date], fail_day: int | None, every_morning: bool = True) -> list[Step]:
    """The steps of the rehearsal (module docstring); ``fail_day``: 1-based index into days;
    ``every_morning`` False: hourly and daily on the first morning only (a shorter rehearsal).
    A morning step belongs to the game day whose results it publishes (the day before)."""
    at = dt.datetime.combine
    steps: list[Step] = []
    for i, day in enumerate(days, start=1):
        steps.append(Step(at(day, EVENING), "after-predictions", "evening", day, inject=i == fail_day))
        steps.append(Step(first_tipoff(truth, day) + LIVE_AFTER_TIPOFF, "live", "live", day))
        if i == fail_day:
            steps.append(Step(steps[-1].clock + dt.timedelta(minutes=5), "after-predictions", "republish", day))
        morning = day + dt.timedelta(days=1)
        steps.append(Step(at(morning, MORNING), "after-predictions", "morning", day))
        if every_morning or i == 1:
            steps += [Step(at(morning, HOURLY), "hourly", "hourly", day),
                      Step(at(morning, DAILY), "daily", "daily", day)]
    return steps


# ----------------------------------------------------------------------------- runs


@dataclass
class Rehearsal:
    out: Path
    make_vars: tuple[str, ...] = ()  # given to every make run (the tests': DBT=... their dbt fork server)

    @property
    def truth(self) -> Path:
        return self.out / "truth.duckdb"

    @property
    def warehouse(self) -> Path:
        return self.out / "warehouse.duckdb"

    @property
    def sites(self) -> list[Path]:
        return [self.out / "site", self.out / "site-admin"]

    def make(self, number: int, target: str, group: str, clock: dt.datetime | None, *extra: str,
             report: bool = True) -> tuple[subprocess.CompletedProcess, dict | None]:
        """``make TARGET GROUP=...`` on the rehearsal's warehouse, state and sites; its output in logs/."""
        name = f"{number:02d}-{target}-{group}"
        report_file = self.out / "reports" / f"{name}.json"
        report_file.parent.mkdir(parents=True, exist_ok=True)
        report_file.unlink(missing_ok=True)
        args = ["make", "-s", "--no-print-directory", "-C", str(PROJECT_DIR), target, f"GROUP={group}",
                f"DEST={self.sites[0]}", f"ADMIN_DEST={self.sites[1]}", f"STATE_DIR={self.out / 'target'}",
                *([f"CLOCK={clock:%Y-%m-%d %H:%M:%S}"] if clock else []),
                *([f"REPORT={report_file}"] if report else []), *self.make_vars, *extra]
        env = dict(os.environ, DUCKDB_PATH=str(self.warehouse), DBT_TARGET="dev",
                   DBT_LOG_PATH=str(self.out / "logs" / "dbt"))
        env.pop("DBT_TARGET_PATH", None)
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        log = self.out / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"$ {' '.join(args)}\n{done.stdout}\n{done.stderr}", encoding="utf-8")
        parsed = None
        if report and report_file.is_file() and report_file.stat().st_size:
            try:
                parsed = json.loads(report_file.read_text(encoding="utf-8"))
            except ValueError:
                parsed = None
        return done, parsed

    def tree(self) -> dict[str, bytes]:
        return {str(p): p.read_bytes() for site in self.sites if site.is_dir()
                for p in sorted(site.rglob("*")) if p.is_file()}

    def _dates(self, sql: str) -> set[dt.date]:
        """The first column of ``sql`` on the rehearsal's warehouse, as a set."""
        return {r[0] for r in query(self.warehouse, sql)}

    def dates(self, table: str) -> set[dt.date]:
        return self._dates(f"select distinct game_date from {table}")

    def dates_with_a_game_not_in_the_box_scores(self) -> set[dt.date]:
        """Game dates of the predictions with a game that has no box-score row (postponed, or not loaded yet)."""
        return self._dates(f"select distinct p.game_date from {feed.PRED} p anti join {feed.SUM} s using (game_id)")

    def dated_files(self) -> dict[str, dict[dt.date, Path]]:
        """kind (picks, best-bets, admin/picks) -> date -> the published file, in either site."""
        found: dict[str, dict[dt.date, Path]] = {kind: {} for kind in DATED}
        for site in self.sites:
            for kind in DATED:
                for path in site.glob(f"v1/{kind}/*.json"):
                    try:
                        found[kind][dt.date.fromisoformat(path.stem)] = path
                    except ValueError:  # best-bets/all.json
                        continue
        return found


def pending_paths(document: object, path: str = "") -> Iterator[str]:
    """Where a JSON document says pending (key paths): a pick whose ``result`` is null (picks,
    best bets: "null while pending"), or the value "pending" anywhere."""
    if isinstance(document, dict):
        if "result" in document and document["result"] is None:
            yield f"{path}.result"
        for key, value in document.items():
            yield from pending_paths(value, f"{path}.{key}")
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from pending_paths(value, f"{path}[{i}]")
    elif document == "pending":
        yield path or "."


def check_morning(rehearsal: Rehearsal) -> tuple[list[str], list[str]]:
    """(problems, what was checked): no dated file of a date whose box scores are loaded says
    pending; every such date with predictions has its files, but admin/picks for a date with no
    candidate in the record, whose public files must list no pick. But for a date with a game no box
    score has come for (the postponed game) until box scores of a later date are loaded: the
    game may be played a day late, so its picks stay pending until then (docs/decisions.md
    "Void by absence")."""
    graded = rehearsal.dates(feed.SUM)
    predicted = rehearsal.dates(feed.PRED)
    recorded = rehearsal.dates(RECORDED_CANDIDATES)
    newest = max(graded, default=dt.date.min)  # the newest date whose box scores are loaded
    may_wait = {day for day in rehearsal.dates_with_a_game_not_in_the_box_scores() if day >= newest}
    files = rehearsal.dated_files()
    problems, checked = [], []
    for kind in DATED:
        for day in sorted(graded & predicted):
            path = files[kind].get(day)
            if path is None:
                if day in recorded or kind in SHOWN:
                    problems.append(f"{kind}/{day}.json missing: its box scores are loaded")
                continue
            document = json.loads(path.read_text(encoding="utf-8"))
            pending = list(pending_paths(document))
            checked.append(f"{kind}/{day}.json")
            if day not in recorded and (shown := sum(1 for _ in players(document))):
                problems.append(f"{kind}/{day}.json shows {shown} pick(s), though no build that passed showed a "
                                f"pick of {day} before its tip-offs (no candidate of it in the record)")
            if pending and day not in may_wait:
                problems.append(f"{kind}/{day}.json still says pending ({len(pending)} times, e.g. {pending[0]}) "
                                f"though the box scores of {day} are loaded")
    return problems, checked


def players(document: object) -> Iterator[object]:
    """The picks a dated file lists: every object with a ``player`` key."""
    if isinstance(document, dict):
        if "player" in document:
            yield document
        for value in document.values():
            yield from players(value)
    elif isinstance(document, list):
        for value in document:
            yield from players(value)


def pending_counts(rehearsal: Rehearsal) -> dict[str, int]:
    """Every published dated file (picks, best-bets, admin/picks) -> how many values say pending."""
    return {f"{kind}/{day}.json": len(list(pending_paths(json.loads(path.read_text(encoding="utf-8")))))
            for kind, files in rehearsal.dated_files().items() for day, path in sorted(files.items())}


def as_shown(document: object) -> object:
    """A public dated file without what the games and the days after them change (AFTER_THE_GAMES): the picks,
    their lines, directions and ranks, the day's signal and status, as a user saw them before the tip-off."""
    if isinstance(document, dict):
        return {key: as_shown(value) for key, value in document.items() if key not in AFTER_THE_GAMES}
    if isinstance(document, list):
        return [as_shown(value) for value in document]
    return document


def shown_files(files: dict[str, dict[dt.date, Path]], day: dt.date) -> dict[str, object]:
    """'picks/DATE.json' -> its content as shown (as_shown), for the public dated files of ``day`` among ``files``
    (Rehearsal.dated_files)."""
    return {f"{kind}/{day}.json": as_shown(json.loads(files[kind][day].read_text(encoding="utf-8")))
            for kind in SHOWN if day in files[kind]}


def check_shown(rehearsal: Rehearsal, shown: dict[dt.date, dict[str, object]]) -> tuple[list[str], list[str]]:
    """(problems, what was checked): every public dated file published by the last run before its day's tip-offs
    still shows the same picks (contract §3 Lock at tip-off: the record is what users saw), results aside."""
    problems, checked, files = [], [], rehearsal.dated_files()
    for day, before in sorted(shown.items()):
        now = shown_files(files, day)
        for path, document in sorted(before.items()):
            checked.append(path)
            if path not in now:
                problems.append(f"{path} no longer shows what it showed before the tip-off (it is gone)")
            elif (difference := first_difference(document, now[path])) is not None:
                where, was, is_now = difference
                problems.append(f"{path} no longer shows what it showed before the tip-off: {where or '.'} was "
                                f"{json.dumps(was)[:200]}, is now {json.dumps(is_now)[:200]}")
    return problems, checked


def first_difference(before: object, after: object, where: str = "") -> tuple[str, object, object] | None:
    """The first key path where two JSON values differ, with both values there; None when equal."""
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        found = (first_difference(before[key], after[key], f"{where}.{key}") for key in before)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = (first_difference(b, a, f"{where}[{i}]") for i, (b, a) in enumerate(zip(before, after)))
    else:
        return None if before == after else (where, before, after)
    return next((difference for difference in found if difference is not None), None)


def check_unchanged(before: dict[str, bytes], after: dict[str, bytes], what: str) -> list[str]:
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    return [f"{what} changed the published files: {', '.join(changed[:5])}"
            + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")] if changed else []


def rehearse(out: Path, start: dt.date = dt.date(2024, 10, 29), days: int = 2, fail_day: int | None = 2,
             seed: int = 42, every_morning: bool = True, log: Callable[[str], None] = print,
             make_vars: tuple[str, ...] = ()) -> list[Result]:
    """Generate the truth, replay the plan, check; one Result per step (problems inside). ``make_vars``: more
    variables for every make run."""
    out = out.resolve()  # the make runs work in the project folder: a relative OUT would be another folder there
    out.mkdir(parents=True, exist_ok=True)
    rehearsal = Rehearsal(out, make_vars)
    today = start + dt.timedelta(days=days + 7)  # enough game days after start; the plan stops earlier
    if not rehearsal.truth.exists():
        generated = subprocess.run([sys.executable, "-m", "sample_data.generate", "--seasons", "1", "--seed", str(seed),
                                    "--today", today.isoformat(), "--out", str(rehearsal.truth)],
                                   capture_output=True, text=True)
        if generated.returncode:
            raise ValueError(f"sample_data.generate failed: {(generated.stderr.strip().splitlines() or ['?'])[-1]}")
    chosen = game_days(rehearsal.truth, start, days)
    if len(chosen) < days:
        raise ValueError(f"only {len(chosen)} game days with predictions from {start} in {rehearsal.truth}, which "
                         "is reused when present (--seed and --start too): delete it to generate one for this run")
    steps = plan(rehearsal.truth, chosen, fail_day, every_morning)
    log(f"rehearsal in {out}: {len(steps)} runs, game days {', '.join(map(str, chosen))}"
        + (f", a bad input in the evening run of {chosen[fail_day - 1]}" if fail_day else ""))
    results: list[Result] = []
    from_scratch = True  # the first step, and the step after the bad input (the upstream corrected it)
    failed_since_good = False
    shown: dict[dt.date, dict[str, object]] = {}  # day -> its public dated files as its evening run left them
    for number, step in enumerate(steps, start=1):
        t0 = time.monotonic()
        problems: list[str] = []
        checked: list[str] = []
        if step.what == "republish":  # on-call re-runs the publish of the failed group: no new upstream rows
            before = rehearsal.tree()
            done, report = rehearsal.make(number, "publish", step.group, None)
            if done.returncode == 0:
                problems.append("the after-predictions republish after the live cycle was NOT refused "
                                "(its run state holds a failed build)")
            problems += check_unchanged(before, rehearsal.tree(), "the refused republish")
            results.append(Result(number, step, done.returncode, time.monotonic() - t0, report, problems, checked,
                                  pending_counts(rehearsal)))
            log(line(results[-1]))
            continue
        feed.load_at(rehearsal.truth, rehearsal.warehouse, step.clock, incremental=not from_scratch)
        from_scratch = False
        if step.inject:
            con = duckdb.connect(str(rehearsal.warehouse))
            try:
                con.execute(BAD_INPUT)
            finally:
                con.close()
            from_scratch = True
        before = rehearsal.tree()
        done, report = rehearsal.make(number, "scheduled", step.group, step.clock)
        if step.inject:
            if done.returncode == 0:
                problems.append("the run with a bad input succeeded: the bad input did not fail the build")
            problems += check_unchanged(before, rehearsal.tree(), "the failed run")
            failed_since_good = True
        elif done.returncode != 0:
            problems.append(f"make scheduled GROUP={step.group} failed (exit {done.returncode}): "
                            f"see {out / 'logs'}; {tail(done)}")
        elif step.group == "after-predictions":
            if step.what == "morning":
                found, checked = check_morning(rehearsal)
                problems += found
            found, seen = check_shown(rehearsal, shown)
            problems, checked = problems + found, checked + seen
            if step.what == "evening":
                shown[step.day] = shown_files(rehearsal.dated_files(), step.day)
            if failed_since_good:
                dry, dry_report = rehearsal.make(number, "publish", step.group, None, "PUBLISH_ARGS=--dry-run")
                planned = sorted(o["path"] for o in (dry_report or {}).get("objects", [])
                                 if o["status"] in ("created", "updated"))
                if dry.returncode != 0 or dry_report is None:
                    problems.append(f"the dry run after catching up failed (exit {dry.returncode}): {tail(dry)}")
                elif planned:
                    problems.append(f"not caught up: a dry run still plans {', '.join(planned[:5])}")
                checked.append("caught up: a dry run plans no upload")
                failed_since_good = False
        results.append(Result(number, step, done.returncode, time.monotonic() - t0, report, problems, checked,
                              pending_counts(rehearsal)))
        log(line(results[-1]))
    return results


def tail(done: subprocess.CompletedProcess, lines: int = 3) -> str:
    text = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return " | ".join(text[-lines:])


def line(result: Result) -> str:
    uploaded = result.uploaded()
    verdict = "PROBLEM" if result.problems else "ok"
    exit_note = f"exit {result.returncode}" + (" (expected)" if result.returncode and not result.problems else "")
    text = (f"{result.number:>3}  {result.step.label:<{LABEL_WIDTH}} {exit_note:<17} {result.seconds:>5.1f}s  "
            f"uploaded {len(uploaded):>3}  {verdict}")
    if result.checked:
        text += f"  checked {len(result.checked)} file(s)" if not result.checked[-1].startswith("caught") else \
            f"  checked {len(result.checked) - 1} file(s), caught up"
    for problem in result.problems:
        text += f"\n       PROBLEM: {problem}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_data.rehearsal", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=".warehouse/rehearsal", metavar="DIR",
                        help="folder of the truth, warehouse, run state, sites, logs and reports "
                             "(default .warehouse/rehearsal; the truth is reused when present)")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2024, 10, 29), metavar="YYYY-MM-DD",
                        help="first game day to replay (default 2024-10-29)")
    parser.add_argument("--days", type=int, default=2, metavar="N", help="game days to replay (default 2)")
    parser.add_argument("--fail-day", type=int, default=2, metavar="K",
                        help="the evening run of the K-th day gets a bad input (0: none; default 2)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--short", action="store_true", help="hourly and daily on the first morning only")
    args = parser.parse_args(argv)
    if args.days < 1 or not 0 <= args.fail_day <= args.days:
        parser.error("--days must be >= 1 and --fail-day between 0 and --days")
    t0 = time.monotonic()
    try:
        results = rehearse(Path(args.out), args.start, args.days, args.fail_day or None, args.seed,
                           every_morning=not args.short)
    except (ValueError, OSError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    problems = sum(len(r.problems) for r in results)
    print(f"rehearsal: {len(results)} runs in {time.monotonic() - t0:.0f}s, "
          + ("no problem" if not problems else f"{problems} problem(s)")
          + f"; sites in {Path(args.out) / 'site'}, logs in {Path(args.out) / 'logs'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
