"""The operations side of the Makefile, without dbt (a few seconds in all): the locks of a run
(ops/locked.sh: two runs never interleave, the second waits up to its bound, then exits 75
naming the holder), the lock files `make scheduled` takes for each kind of warehouse and
destination, its refusal of an unknown group, and `make clean`, which never deletes
outside the repository (run on a copy of the Makefile in a scratch repository)."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from pipeline import PROJECT_DIR, holding

LOCKED = str(PROJECT_DIR / "ops" / "locked.sh")


def locked(*args: str, wait: int = 10, what: str = "") -> subprocess.Popen:
    return subprocess.Popen([LOCKED, "-w", str(wait), *(["-d", what] if what else []), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_on_one_lock_never_interleave(tmp_path):
    lock, log = tmp_path / "warehouse.duckdb.lock", tmp_path / "log"
    body = f"echo start $$ >> {log}; sleep 0.5; echo end $$ >> {log}"
    runs = [locked(str(lock), "--", "bash", "-c", body) for _ in range(3)]
    assert [run.wait(timeout=30) for run in runs] == [0, 0, 0]
    lines = log.read_text().split("\n")[:-1]
    assert [line.split()[0] for line in lines] == ["start", "end"] * 3
    assert all(lines[i].split()[1] == lines[i + 1].split()[1] for i in range(0, 6, 2))  # each start, its own end


def test_a_run_that_waits_too_long_exits_75_naming_the_holder(tmp_path):
    lock = tmp_path / "site.lock"
    holder = locked(str(lock), "--", "sleep", "3", what="make scheduled GROUP=hourly CLOCK=2025-01-01 10:00:00")
    holding(lock, holder, f"pid={holder.pid} ")
    started = time.monotonic()
    second = locked(str(lock), "--", "touch", str(tmp_path / "ran"), wait=1)
    _, err = second.communicate(timeout=30)
    assert second.returncode == 75
    assert time.monotonic() - started < 2.5
    assert f"lock {lock} is held by another run" in err
    assert "what=make scheduled GROUP=hourly CLOCK=2025-01-01 10:00:00" in err and f"pid={holder.pid}" in err
    assert "waited 1 s (LOCK_WAIT)" in err
    assert not (tmp_path / "ran").exists()
    assert holder.wait(timeout=30) == 0


def test_a_holder_whose_process_is_gone_is_not_said_to_be_running(tmp_path):
    """The holder line names a pid of this host that no longer runs (its lock file now held by another process):
    the refusal names it without "still running"."""
    lock = tmp_path / "site.lock"
    gone = subprocess.Popen(["true"])  # a pid of this host, ended
    gone.wait()
    with lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        lock.write_text(f"pid={gone.pid} host={socket.gethostname()} since=2026-01-01T00:00:00Z what=x\n")
        second = locked(str(lock), "--", "true", wait=0)
        _, err = second.communicate(timeout=30)
    assert second.returncode == 75 and f"held by another run: pid={gone.pid} host=" in err
    assert "still running" not in err


@pytest.mark.parametrize(("args", "env", "says"), [
    (["-w", "1.5", "a.lock", "--", "touch", "ran"], {}, "-w / LOCK_WAIT must be whole seconds, got '1.5'"),
    (["a.lock", "--", "touch", "ran"], {"LOCK_WAIT": "soon"}, "-w / LOCK_WAIT must be whole seconds, got 'soon'"),
    (["a.lock", "--"], {}, "usage: ops/locked.sh"),  # no command
    (["--", "--", "touch", "ran"], {}, "usage: ops/locked.sh"),  # no lock (getopts takes the first --)
])
def test_locked_sh_usage_errors_exit_64_and_run_nothing(tmp_path, args, env, says):
    done = subprocess.run([LOCKED, *args], cwd=tmp_path, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 64 and says in done.stderr
    assert not (tmp_path / "ran").exists()


def test_an_empty_lock_name_is_skipped(tmp_path):
    """`make`'s lock list with an unset variable in it (an empty word): the other locks are taken, the command runs."""
    done = subprocess.run([LOCKED, "", str(tmp_path / "a.lock"), "--", "true"], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr


def test_a_flock_that_fails_is_not_taken_for_another_runs_lock(tmp_path):
    """flock(1) failing for a reason of its own (here a stand-in that exits 66; missing: 127) used to be reported as
    'held by another run', exit 75, 'the next scheduled run will try again': it never would."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "flock").write_text("#!/bin/sh\necho 'flock: cannot open lock file' >&2\nexit 66\n")
    (tools / "flock").chmod(0o755)
    env = dict(os.environ, PATH=f"{tools}:{os.environ['PATH']}")
    done = subprocess.run([LOCKED, "-w", "1", "-d", "make build", str(tmp_path / "w.lock"), "--", "touch",
                           str(tmp_path / "ran")], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 66
    assert f"error: flock(1) failed on {tmp_path / 'w.lock'} (exit 66): make build did not start" in done.stderr
    assert "held by another run" not in done.stderr and not (tmp_path / "ran").exists()


def test_a_lock_file_that_cannot_be_opened_is_said_and_the_command_does_not_start(tmp_path):
    """A lock under a regular file: exit 73, naming the lock and that the command did not start. It was mkdir's own
    message and exit 1, which reads like the command's own failure (a failed dbt build)."""
    (tmp_path / "file").write_text("not a folder")
    lock = tmp_path / "file" / "w.lock"
    done = subprocess.run([LOCKED, "-w", "1", "-d", "make build", str(lock), "--", "touch", str(tmp_path / "ran")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 73
    assert done.stderr == (f"error: cannot open the lock file {lock} (its folder cannot be made, or it cannot be "
                           "written): make build did not start (exit 73); name a lock in a folder this run can write.\n")
    assert not (tmp_path / "ran").exists()


def test_locks_are_taken_in_one_order_so_runs_sharing_two_never_deadlock(tmp_path):
    a, b, log = tmp_path / "a.lock", tmp_path / "b.lock", tmp_path / "log"
    body = f"echo in >> {log}; sleep 0.3; echo out >> {log}"
    runs = [locked(str(a), str(b), "--", "bash", "-c", body), locked(str(b), str(a), "--", "bash", "-c", body)]
    assert [run.wait(timeout=30) for run in runs] == [0, 0]
    assert log.read_text().split() == ["in", "out", "in", "out"]


def test_the_wait_is_one_budget_for_every_lock_not_one_each(tmp_path):
    """-w is the time a run may wait in all: a.lock is held for 3 s and b.lock for longer, so a run with -w 4 takes
    a.lock after about 3 s and gives up on b.lock about 1 s later, at about 4 s. A budget per lock would wait 4 s
    more on b.lock (about 7 s in all)."""
    a, b = tmp_path / "a.lock", tmp_path / "b.lock"
    first = locked(str(a), "--", "sleep", "3")
    holding(a, first, f"pid={first.pid} ")
    second = locked(str(b), "--", "sleep", "30", what="the long run")
    try:
        holding(b, second, f"pid={second.pid} ")
        started = time.monotonic()
        waiting = locked(str(a), str(b), "--", "touch", str(tmp_path / "ran"), wait=4)
        _, err = waiting.communicate(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        second.kill()
        second.wait(timeout=10)
    assert waiting.returncode == 75 and f"lock {b} is held by another run: pid={second.pid} " in err
    assert "what=the long run" in err and not (tmp_path / "ran").exists()
    assert 2.5 < elapsed < 6.0, elapsed  # bash counts SECONDS whole: 4 s give or take 1; a budget per lock: about 7 s
    assert first.wait(timeout=30) == 0


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    lock = tmp_path / "w.lock"
    holder = locked(str(lock), "--", "sleep", "30")
    holding(lock, holder, f"pid={holder.pid} ")
    holder.kill()
    holder.wait(timeout=10)
    second = locked(str(lock), "--", "true", wait=2)
    assert second.wait(timeout=30) == 0


def dry_run(*args: str, **env: str) -> str:
    """The commands `make -n` prints, .venv and profiles.yml taken as made. A line calling $(MAKE)
    runs even then: ops/locked.sh takes its locks (in a scratch folder here), then execs the
    sub-make, which only prints the steps."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_TARGET", "DBT_TARGET_PATH", "DUCKDB_PATH")}
    environ.update(env)
    done = subprocess.run(["make", "-n", "--no-print-directory", "-o", "env", "-o", "profiles.yml", *args],
                          cwd=PROJECT_DIR, env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_scheduled_locks_the_warehouse_its_run_state_and_the_destinations(tmp_path):
    commands = dry_run("scheduled", "GROUP=hourly", f"DEST={tmp_path}/site", f"STATE_DIR={tmp_path}/state",
                       DUCKDB_PATH=f"{tmp_path}/props.duckdb")
    locks = [w for w in commands.split(" -- ")[0].split() if w.endswith(".lock")]
    assert f"{tmp_path}/props.duckdb.lock" in locks  # next to the DuckDB file
    assert f"{tmp_path}/state/hourly/run.lock" in locks  # the group's own run state
    assert f"{tmp_path}/site.lock" in locks  # next to the destination folder
    assert "source freshness --selector hourly" in commands  # the steps, printed by the sub-make


def test_on_bigquery_and_a_bucket_the_locks_are_keyed_by_dataset_and_bucket(tmp_path):
    commands = dry_run("scheduled", "GROUP=live", "DEST=gs://props-site/v2", "ADMIN_DEST=gs://props-admin",
                       f"LOCK_DIR={tmp_path}/locks", f"STATE_DIR={tmp_path}/state",
                       DBT_TARGET="bigquery", BQ_PROJECT="acme", BQ_DATASET="props_prod")
    locks = [w for w in commands.split(" -- ")[0].split() if w.endswith(".lock")]
    assert f"{tmp_path}/locks/warehouse-bigquery-acme.props_prod.lock" in locks
    assert f"{tmp_path}/locks/dest-props-site_v2.lock" in locks
    assert f"{tmp_path}/state/live/run.lock" in locks


def test_the_steps_of_a_scheduled_run_read_and_write_only_their_groups_state():
    commands = dry_run("scheduled-steps", "GROUP=daily", "CLOCK=2025-02-06 11:00:00", "DEST=site", "STATE_DIR=state")
    lines = [line for line in commands.replace("\\\n", " ").splitlines() if line.strip()]
    assert lines[0] == "rm -f state/daily/run_results.json state/run_results.json"  # its own and the full build's
    assert "env DBT_TARGET_PATH=state/daily " in lines[1] and "source freshness --selector daily" in lines[1]
    assert "env DBT_TARGET_PATH=state/daily " in lines[2] and "build --selector daily" in lines[2]
    assert "--exclude-resource-type unit_test" in lines[2]
    # the clock goes to dbt in its environment (macros/clock.sql), never as --vars (a new one re-parses the project)
    assert all('PROPS_CLOCK="2025-02-06 11:00:00" .venv/bin/python -m ops.dbt_cli ' in line for line in lines[1:3])
    assert not any("--vars" in line for line in lines)
    assert "env DBT_TARGET_PATH=state/daily " in lines[3] and "-m publisher.cli --group daily --dest site" in lines[3]
    assert "--all-dates" in lines[3]
    reported = dry_run("scheduled-steps", "GROUP=daily", "DEST=site", "STATE_DIR=state", "REPORT=reports/daily.json")
    lines = [line.split(" || ")[0].rstrip() for line in reported.replace("\\\n", " ").splitlines() if line.strip()]
    # the last run's report goes first, under the run's locks: a run that stops before publishing leaves none
    assert lines[0] == "rm -f state/daily/run_results.json state/run_results.json reports/daily.json"
    assert lines[3].endswith("--json reports/daily.json")  # written whole by the publisher, never truncated first


@pytest.mark.parametrize("failing, status, step, published", [
    ("source", 3, "dbt source freshness", "nothing was built or published"),
    ("build", 4, "dbt build", "nothing of the group was published"),
    ("publish", 5, "publish", "the build is good"),
])
def test_a_failed_scheduled_step_ends_with_one_line_naming_it(tmp_path, failing, status, step, published):
    """stderr ends with the step that failed, its exit status and what was published, just before make's bare
    `Error N`. dbt and the publisher are stand-ins here that fail at the chosen step
    and write each call to a log: the steps after a failed one never run."""
    calls = tmp_path / "calls"
    fake = f"sh -c 'echo \"$$0\" >> {calls}; [ \"$$0\" != {failing} ] || exit {status}'"
    done = subprocess.run(["make", "--no-print-directory", "-s", "scheduled-steps", "GROUP=daily", f"STATE_DIR={tmp_path}/state",
                           f"DEST={tmp_path}/site", f"DBT={fake}", f"PY={fake.replace('$$0', 'publish')}"],
                          cwd=PROJECT_DIR, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr  # make's own status for a failed recipe
    said, make_said = done.stderr.strip().splitlines()
    assert said.startswith(f"make scheduled GROUP=daily: FAILED at {step} (exit {status}): "), done.stderr
    assert published in said and make_said.endswith(f"Error {status}")
    ran = calls.read_text().split()
    assert ran == ["source", "build", "publish"][:ran.index(failing) + 1] and ran[-1] == failing


def test_a_good_scheduled_run_prints_each_steps_command_and_never_says_failed(tmp_path):
    """On-call greps a run's log (stdout and stderr together, as cron keeps it) for FAILED: a good run must not
    match. Each step's command is printed as it starts, without the handler that names a failed step (make used to
    echo that handler, "FAILED at ..." three times in every good run's log). Stand-ins as above, all succeeding."""
    calls = tmp_path / "calls"
    fake = f"sh -c 'echo \"$$0\" >> {calls}'"
    done = subprocess.run(["make", "--no-print-directory", "scheduled-steps", "GROUP=daily", f"STATE_DIR={tmp_path}/state",
                           f"DEST={tmp_path}/site", f"DBT={fake}", f"PY={fake.replace('$$0', 'publish')}"],
                          cwd=PROJECT_DIR, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "FAILED" not in done.stdout + done.stderr
    assert calls.read_text().split() == ["source", "build", "publish"]
    printed = done.stdout.splitlines()
    assert printed[0] == f"rm -f {tmp_path}/state/daily/run_results.json {tmp_path}/state/run_results.json"
    assert printed[1].endswith(f"sh -c 'echo \"$0\" >> {calls}' source freshness --selector daily")
    assert printed[2].endswith(" build --selector daily --exclude-resource-type unit_test")
    assert printed[3].endswith(f"-m publisher.cli --group daily --dest {tmp_path}/site --admin-dest {tmp_path}/site-admin "
                               "--all-dates")
    assert len(printed) == 4


def test_a_live_night_takes_the_locks_and_the_steps_of_make_live(tmp_path):
    """`make live-night` runs the cycle of `make scheduled GROUP=live` in one process: the same lock files, the same
    run state, the full build's results forgotten, the clock passed to dbt, the publisher's destinations."""
    common = (f"DEST={tmp_path}/site", f"STATE_DIR={tmp_path}/state", "CLOCK=2025-02-06 23:30:00")
    env = {"DUCKDB_PATH": f"{tmp_path}/props.duckdb"}
    scheduled = dry_run("scheduled", "GROUP=live", *common, **env)
    night = dry_run("live-night", "UNTIL=2025-02-07T08:00", *common, **env).replace("\\\n", " ")
    scheduled_locks = sorted(w for w in scheduled.split(" -- ")[0].split() if w.endswith(".lock"))
    words = night.split()
    assert sorted(words[i + 1] for i, w in enumerate(words) if w == "--lock") == scheduled_locks
    assert f"env DBT_TARGET_PATH={tmp_path}/state/live " in night and "-m ops.live_night --every 180 " in night
    assert "--until 2025-02-07T08:00" in night and 'PROPS_CLOCK="2025-02-06 23:30:00" .venv/bin/python -m ops.live_night' in night
    assert f"--forget {tmp_path}/state/run_results.json" in night
    assert f"-- --dest {tmp_path}/site --admin-dest {tmp_path}/site-admin" in night
    # each cycle's publisher gets the options of make scheduled GROUP=live's publish step
    from ops.live_night import publisher_argv

    [publish] = [line.split("publisher.cli ", 1)[1] for line in scheduled.splitlines() if "publisher.cli " in line]
    destinations = ["--dest", f"{tmp_path}/site", "--admin-dest", f"{tmp_path}/site-admin"]
    assert {w.rstrip("';") for w in publish.split() if w.startswith("--")} == {
        w for w in publisher_argv(str(PROJECT_DIR), destinations) if w.startswith("--")} - {"--project-dir"}


def test_a_live_night_without_an_end_names_the_make_variables(tmp_path):
    """`make live-night` with neither UNTIL nor CYCLES stops before the night starts, naming the variables to give
    (the script's own message named its options, --until and --cycles, which make does not take)."""
    done = subprocess.run(["make", "-s", "--no-print-directory", "-o", "env", "-o", "profiles.yml", "live-night",
                           f"DEST={tmp_path}/site", f"STATE_DIR={tmp_path}/state"],
                          cwd=PROJECT_DIR, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("error: make live-night: give UNTIL=YYYY-MM-DDTHH:MM (UTC: no cycle starts after it)"
                                  " or CYCLES=N: a night ends\n")
    assert "ops.live_night" not in done.stdout + done.stderr and not (tmp_path / "state").exists()


def test_a_live_night_cycle_waits_for_a_run_holding_its_lock(tmp_path):
    """ops/live_night.py takes its locks as ops/locked.sh does (flock): each waits for the other."""
    from ops.live_night import LockHeld, locked as night_locked

    lock = tmp_path / "props.duckdb.lock"
    holder = locked(str(lock), "--", "sleep", "1.5", what="make scheduled GROUP=hourly")
    holding(lock, holder, f"pid={holder.pid} ")
    started = time.monotonic()
    with night_locked([str(lock)], wait=10, what="live night"):
        assert time.monotonic() - started > 0.5  # it waited for the holder to finish
        assert "what=live night" in lock.read_text()
    assert holder.wait(timeout=30) == 0
    holder = locked(str(lock), "--", "sleep", "3", what="make scheduled GROUP=daily")
    holding(lock, holder, f"pid={holder.pid} ")
    with pytest.raises(LockHeld, match=r"held by another run: pid=\d+ .*what=make scheduled GROUP=daily; waited 1 s"):
        with night_locked([str(lock)], wait=1, what="live night"):
            pass
    assert holder.wait(timeout=30) == 0


def test_a_live_night_takes_its_locks_in_name_order_and_rewrites_the_holder(tmp_path):
    """The order of ops/locked.sh (sorted: two runs sharing two locks never deadlock), whatever the order given: while
    a.lock is held by another run, the night waits for it without holding z.lock. The holder line replaces the
    file's old text, a longer one too."""
    from ops.live_night import locked as night_locked

    first, last = tmp_path / "a.lock", tmp_path / "z.lock"
    last.write_text("pid=1 host=gone since=2026-01-01T00:00:00Z what=an old run with a long description\n")
    holder = locked(str(first), "--", "sleep", "1.5", what="make scheduled GROUP=hourly")
    holding(first, holder, f"pid={holder.pid} ")
    inside = threading.Event()

    def night() -> None:
        with night_locked([str(last), str(first)], wait=10, what="live night"):
            inside.set()

    waiting = threading.Thread(target=night)
    waiting.start()
    time.sleep(0.5)  # the night is waiting for a.lock
    with last.open("a+") as handle:  # z.lock is free: taken after a.lock, not before
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)
    waiting.join(timeout=30)
    assert inside.is_set() and holder.wait(timeout=30) == 0
    assert len(last.read_text().splitlines()) == 1 and last.read_text().startswith(f"pid={os.getpid()} ")
    assert last.read_text().endswith(" what=live night\n")


def test_a_live_night_shows_the_publishers_help_after_the_double_dash():
    done = subprocess.run([sys.executable, "-m", "ops.live_night", "--cycles", "1", "--", "--help"],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("usage: python -m publisher.cli ")


def test_a_live_night_checks_the_warehouse_file_of_a_duckdb_profile_only(tmp_path, monkeypatch):
    """An in-memory DuckDB or a BigQuery profile has no file to miss; a DuckDB file that is not there is named."""
    from ops.live_night import missing_warehouse

    (tmp_path / "dbt_project.yml").write_text("name: p\nprofile: p\n")
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    for output, missing in (("type: duckdb, path: ':memory:'", None), ("type: bigquery, method: oauth", None),
                            (f"type: duckdb, path: '{tmp_path / 'gone.duckdb'}'", str(tmp_path / "gone.duckdb"))):
        (tmp_path / "profiles.yml").write_text(f"p:\n  target: dev\n  outputs:\n    dev: {{{output}}}\n")
        assert missing_warehouse(str(tmp_path)) == missing, output


def test_a_live_night_cycle_forgets_the_run_results_first_and_fails_when_the_publisher_does(tmp_path, monkeypatch,
                                                                                             capsys):
    """One cycle (Night.cycle) with dbt stood in for: the run results of the live build and those --forget names are
    deleted before dbt runs (a cycle that dies publishes nothing from an older build); the nodes that warned are
    counted; the build runs no unit test (make test does); a publisher that exits 1 (no manifest here) fails the
    cycle; a failed build publishes nothing."""
    from ops.live_night import Night, publisher_argv

    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    results = [tmp_path / "live" / "run_results.json", tmp_path / "run_results.json"]
    seen: list[tuple[str, list[bool]]] = []  # each dbt command, and which results files existed when it ran

    class Dbt:
        def __init__(self, failing: str = "") -> None:
            self.failing = failing

        def invoke(self, args: list[str]) -> SimpleNamespace:
            seen.append((" ".join(args), [file.exists() for file in results]))
            warned = SimpleNamespace(results=[SimpleNamespace(status="warn"), SimpleNamespace(status="pass")])
            return SimpleNamespace(success=args[0] != self.failing, exception=None, result=warned)

    night = Night.__new__(Night)  # not parsed: dbt is the stand-in
    night.common, night.results, night.warnings = [], results, 0
    night.publish_args = publisher_argv(str(tmp_path / "nope"), ["--dest", str(tmp_path / "site")])
    for file in results:
        file.parent.mkdir(exist_ok=True)
        file.write_text("{}")
    night.dbt = Dbt()
    assert night.cycle() == "the publisher exited 1 (its summary is above)"
    assert seen == [("source freshness --selector live", [False, False]),  # the steps of make scheduled GROUP=live
                    ("build --selector live --exclude-resource-type unit_test", [False, False])]
    assert night.warnings == 2
    assert "manifest.json not found" in capsys.readouterr().err
    night.dbt = Dbt(failing="build")
    assert night.cycle() == "dbt build failed (its failures are listed above)"
    assert capsys.readouterr().err == ""  # the publisher did not run


def test_a_live_night_stops_at_its_end_or_on_a_signal_once_the_running_cycle_is_done(tmp_path, monkeypatch, capsys):
    """main's loop, with each cycle stood in for: a SIGTERM during cycle 2 of 5 ends the night after that cycle,
    and its last line says so (exit 1: cycle 1 failed); --until ends it at that time (no cycle starts after it);
    after its last cycle it does not wait --every seconds."""
    import publisher.cli  # noqa: F401 - imported by main: imported before the clock starts

    from ops import live_night

    cycles: list[float] = []

    class Night:
        warnings, signal_at = 0, 0

        def __init__(self, *args: object) -> None:
            cycles.clear()

        def cycle(self) -> str | None:
            cycles.append(time.monotonic())
            if len(cycles) in (Night.signal_at, 50):  # 50: a loop that would not end
                os.kill(os.getpid(), signal.SIGTERM)
            return "dbt build failed" if len(cycles) == 1 and Night.signal_at else None

    monkeypatch.setattr(live_night, "Night", Night)
    monkeypatch.setattr(live_night, "missing_warehouse", lambda project_dir: None)
    monkeypatch.setenv("DBT_USE_COLORS", "false")
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    publish = ["--", "--dest", str(tmp_path / "site")]
    try:
        Night.signal_at = 2
        assert live_night.main(["--cycles", "5", "--every", "0", *publish]) == 1
        assert len(cycles) == 2
        assert capsys.readouterr().err.splitlines()[-1] == "live night: 2 cycle(s), 1 failed (stopped by a signal)"
        Night.signal_at = 0
        until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=3)  # cycles at 0, 0.5, ..., 2.5 s
        assert live_night.main(["--until", until.isoformat(), "--every", "0.5", *publish]) == 0
        assert 2 <= len(cycles) <= 6 and dt.datetime.now(dt.timezone.utc) - until < dt.timedelta(seconds=5)
        started = time.monotonic()
        assert live_night.main(["--cycles", "1", "--every", "60", *publish]) == 0
        assert len(cycles) == 1 and time.monotonic() - started < 30
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def test_a_live_night_whose_end_is_past_is_a_usage_error(tmp_path):
    """--until in the past (a time given as local instead of UTC, the wrong day) would start no cycle: a night
    without live grading that exited 0. It is a usage error, before anything runs."""
    done = subprocess.run([sys.executable, "-m", "ops.live_night", "--until", "2020-01-01T08:00",
                           "--project-dir", str(tmp_path / "nope"), "--", "--dest", str(tmp_path / "site")],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "error: --until 2020-01-01T08:00Z is past (now " in done.stderr
    assert "or --cycles N" in done.stderr and "live night:" not in done.stderr


def test_a_live_night_on_a_mistyped_warehouse_is_a_usage_error(tmp_path):
    """python -m ops.live_night itself (make live-night checks DUCKDB_PATH first): a DUCKDB_PATH with no file there
    is said once the project is parsed, before any cycle (exit 2), and no file is made. Each cycle's dbt used to make
    an empty warehouse there and fail on a missing schema, all night, naming neither."""
    typo = tmp_path / "props.duckbd"
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_TARGET", "DBT_TARGET_PATH")}
    done = subprocess.run([sys.executable, "-m", "ops.live_night", "--cycles", "1", "--project-dir", str(PROJECT_DIR),
                           "--", "--dest", str(tmp_path / "site")], cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=60, env={**environ, "DUCKDB_PATH": str(typo), "DBT_PROFILES_DIR": str(PROJECT_DIR)})
    assert done.returncode == 2
    assert done.stderr.endswith(f"error: {typo}: no such warehouse file (the dbt profile's path, DUCKDB_PATH); point "
                                "DUCKDB_PATH at the warehouse; no cycle ran\n")
    assert list(tmp_path.iterdir()) == []


def test_a_live_night_whose_lock_file_cannot_be_made_is_a_usage_error(tmp_path):
    """A --lock path under a regular file: said at the start, naming the option (exit 2). Each cycle used to fail on
    it, all night, with `FileExistsError: [Errno 17] File exists: ...`, which did not name the lock."""
    (tmp_path / "file").write_text("not a folder")
    lock = tmp_path / "file" / "x.lock"
    done = subprocess.run([sys.executable, "-m", "ops.live_night", "--cycles", "1", "--lock", str(lock),
                           "--project-dir", str(tmp_path / "nope"), "--", "--dest", str(tmp_path / "site")],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"error: --lock {lock}: File exists: name a file in a folder this run can write" in done.stderr
    done = subprocess.run([sys.executable, "-m", "ops.live_night", "--cycles", "1", "--lock", str(tmp_path),
                           "--project-dir", str(tmp_path / "nope"), "--", "--dest", str(tmp_path / "site")],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)  # a folder: no file to lock
    assert done.returncode == 2
    assert f"error: --lock {tmp_path}: Is a directory: name a file in a folder this run can write" in done.stderr


def test_a_live_night_with_a_bad_publisher_option_stops_before_its_first_cycle(tmp_path):
    """The publisher's options after `--` are checked at the start, as each cycle's publisher reads them: a typo
    used to fail every cycle of the night ("the publisher exited 2"), after its dbt build."""
    done = subprocess.run([sys.executable, "-m", "ops.live_night", "--cycles", "1", "--project-dir",
                           str(tmp_path / "nope"), "--", "--dset", str(tmp_path / "site")],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ("python -m publisher.cli: error: unrecognized arguments: --dset "
                           f"{tmp_path / 'site'} (all options: python -m publisher.cli --help)\n"
                           "python -m ops.live_night: error: the publisher's options after -- (above); nothing ran\n")


def test_a_live_night_whose_project_does_not_parse_says_so_and_exits_1(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ops.live_night", "--cycles", "1", "--project-dir", str(tmp_path / "nope"),
                           "--", "--dest", str(tmp_path / "site")], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert done.returncode == 1
    assert f"error: dbt parse failed: Path '{tmp_path / 'nope'}' does not exist.; no cycle ran" in done.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("args", [["--every", "60"], ["--cycles", "0"], ["--cycles", "1", "--every", "-1"],
                                  ["--cycles", "1", "--lock-wait", "-1"]])
def test_a_live_night_needs_an_end_and_sane_numbers(args):
    done = subprocess.run([sys.executable, "-m", "ops.live_night", *args], cwd=PROJECT_DIR, capture_output=True,
                          text=True)
    assert done.returncode == 2 and "python -m ops.live_night: error: " in done.stderr


def test_a_full_build_forgets_every_earlier_run_result():
    lines = dry_run("build-steps", "STATE_DIR=state").splitlines()
    assert lines[0] == ("rm -f state/run_results.json state/after-predictions/run_results.json "
                        "state/hourly/run_results.json state/daily/run_results.json state/live/run_results.json")
    assert lines[1].startswith("env DBT_TARGET_PATH=state ") and " build --fail-fast " in lines[1]


@pytest.mark.parametrize("args", [("build",), ("scheduled", "GROUP=hourly"), ("live-night", "CYCLES=1"),
                                  ("rebuild-record",)])
def test_a_mistyped_duckdb_path_stops_the_run_naming_it(tmp_path, args):
    """A DUCKDB_PATH with no file there: one line naming the variable and the path, before any lock or step. dbt used
    to make an empty warehouse there and fail on a missing schema (nba_raw), naming neither. (dbt and Python are
    stand-ins that fail: a run that got past the check would not say this.)"""
    typo = tmp_path / "props.duckbd"
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_TARGET", "DBT_TARGET_PATH")}
    done = subprocess.run(["make", "-s", "--no-print-directory", "-o", "env", "-o", "profiles.yml", *args,
                           f"DUCKDB_PATH={typo}", f"DEST={tmp_path}/site", f"STATE_DIR={tmp_path}/state", "DBT=false",
                           "PY=false"], cwd=PROJECT_DIR, env=environ, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: DUCKDB_PATH={typo}: no such warehouse file; point DUCKDB_PATH at the "
                                  "warehouse (make sample makes the sample one); nothing was run\n")
    assert not typo.exists() and not (tmp_path / "state").exists()


@pytest.mark.parametrize("args", [("build",), ("scheduled", "GROUP=hourly"), ("publish",)])
def test_an_empty_state_dir_stops_the_run_naming_it(tmp_path, args):
    """STATE_DIR= (or an exported empty one): one line naming it, before anything runs. The scheduled run's folder was
    /GROUP, at the root of the file system."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_TARGET", "DBT_TARGET_PATH")}
    done = subprocess.run(["make", "-s", "--no-print-directory", "-o", "env", "-o", "profiles.yml", *args,
                           "STATE_DIR=", f"DEST={tmp_path}/site", "DBT=false", "PY=false"],
                          cwd=PROJECT_DIR, env=environ, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.endswith("*** STATE_DIR is empty: name the folder of dbt's run results (default: "
                                "$DBT_TARGET_PATH, else target); nothing was run.  Stop.\n")
    assert len(done.stderr.splitlines()) == 1 and list(tmp_path.iterdir()) == []


def test_an_empty_duckdb_path_makes_no_sample(tmp_path):
    """make sample DUCKDB_PATH= (an exported empty variable): one line naming it. It used to copy the sample to '.tmp'
    in the working folder and fail moving it to ''."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_TARGET", "DBT_TARGET_PATH")}
    done = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(PROJECT_DIR), "-o", "env", "-o",
                           ".venv/.ready", "sample", "DUCKDB_PATH=", "TODAY=1999-01-01"],  # a sample never made
                          cwd=folder, env=environ, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("error: DUCKDB_PATH is empty: name the warehouse file to write (default "
                                  ".warehouse/props.duckdb); nothing was run\n")  # before generating any sample
    assert not (PROJECT_DIR / ".tmp").exists() and list(folder.iterdir()) == []
    assert not list((PROJECT_DIR / ".warehouse" / "samples").glob("*today1999-01-01*"))


@pytest.mark.parametrize("args", [("build",), ("publish",), ("scheduled", "GROUP=hourly"), ("live-night", "CYCLES=1"),
                                  ("rebuild-record",)])
def test_an_empty_dest_stops_the_run_naming_it(tmp_path, args):
    """DEST= (a script's unset variable): one line naming DEST, before any lock or step. It used to get as far as
    ops/locked.sh, which failed on a lock file named '-admin.lock' after a dirname usage message."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_TARGET", "DBT_TARGET_PATH")}
    done = subprocess.run(["make", "-s", "--no-print-directory", "-o", "env", "-o", "profiles.yml", *args, "DEST=",
                           f"STATE_DIR={tmp_path}/state", f"LOCK_DIR={tmp_path}/locks", "DBT=false", "PY=false"],
                          cwd=PROJECT_DIR, env=environ, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.endswith("*** DEST is empty: name the destination of the published files (DEST=public, the "
                                "default; DEST=gs://BUCKET/site in production); nothing was run.  Stop.\n")
    assert len(done.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("group", ["", "nightly"])
def test_make_scheduled_needs_a_trigger_group(group):
    done = subprocess.run(["make", "-s", "-o", "env", "-o", "profiles.yml", "scheduled", f"GROUP={group}"],
                          cwd=PROJECT_DIR, capture_output=True, text=True)
    assert done.returncode != 0
    assert "use GROUP=after-predictions, hourly, daily or live" in done.stderr


# ----------------------------------------------------------------------------- make clean


@pytest.fixture
def repo(tmp_path):
    """A scratch repository with this Makefile, generated folders and a tracked folder."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copyfile(PROJECT_DIR / "Makefile", root / "Makefile")
    for folder in ("target", ".warehouse", "public", "public-admin", "models"):
        (root / folder).mkdir()
        (root / folder / "file").write_text("x")
    (root / "public.lock").write_text("")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "models/file"], cwd=root, check=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file").write_text("x")
    (root / "link").symlink_to(outside)
    return root


def clean(repo, dest: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "clean", f"DEST={dest}"], cwd=repo, capture_output=True, text=True)


@pytest.mark.parametrize("dest", ["{outside}", "../outside", "link", ".", "..", "", "models"])
def test_make_clean_refuses_a_dest_outside_the_repository_and_deletes_nothing(repo, dest):
    done = clean(repo, dest.format(outside=repo.parent / "outside"))
    assert done.returncode != 0
    assert "error: make clean" in done.stderr
    assert "nothing deleted" in done.stderr or "not deleting" in done.stderr
    assert (repo.parent / "outside" / "file").exists()
    assert all((repo / folder / "file").exists() for folder in ("target", ".warehouse", "public", "models"))


def test_make_clean_names_the_fix(repo):
    done = clean(repo, str(repo.parent / "outside"))
    assert f"resolves to {repo.parent / 'outside'}, which is not a folder inside the repository" in done.stderr
    assert "make clean DEST=public" in done.stderr


def test_make_clean_deletes_the_generated_files_and_a_dest_inside(repo):
    done = clean(repo, "public")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in sorted(repo.iterdir())] == [".git", "Makefile", "link", "models"]
    assert (repo.parent / "outside" / "file").exists()


def test_make_clean_never_touches_a_bucket(repo):
    done = clean(repo, "gs://bucket/site")
    assert done.returncode == 0, done.stderr
    assert (repo / "public" / "file").exists() and not (repo / "target").exists()


def test_clock_sample_is_the_sample_warehouses_own_moment(tmp_path):
    import duckdb

    warehouse = tmp_path / "sample.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema nba_raw; create schema nba_predictions")
    con.execute("create table nba_raw.live_boxscores (updated_at timestamp)")
    con.execute("create table nba_predictions.player_prop_predictions (created_at timestamp)")
    con.execute("insert into nba_raw.live_boxscores values ('2025-04-14 00:56:00')")
    con.close()
    commands = dry_run("scheduled-steps", "GROUP=live", "CLOCK=sample", "DEST=site", DUCKDB_PATH=str(warehouse))
    assert 'PROPS_CLOCK="2025-04-14 00:56:00"' in commands



@pytest.mark.parametrize("args", [("scheduled-steps", "GROUP=live", "CLOCK=sample", "DEST=site"), ("demo", "-o", "sample")])
def test_a_sample_clock_that_cannot_be_read_stops_the_run_before_any_step(tmp_path, args):
    """CLOCK=sample (and make demo, which always builds at the sample's clock) on a warehouse the clock cannot read (a
    mistyped DUCKDB_PATH, a build holding the file): one line naming the warehouse, and no step runs. It used to go on
    with no PROPS_CLOCK, building at the machine's clock (every game of a sample long over, every day locked), after a
    traceback."""
    missing = tmp_path / "missing.duckdb"
    environ = {k: v for k, v in os.environ.items() if k not in ("DBT_TARGET", "DBT_TARGET_PATH", "PROPS_CLOCK")}
    done = subprocess.run(["make", "-n", "--no-print-directory", "-o", "env", "-o", "profiles.yml", *args],
                          cwd=PROJECT_DIR, env={**environ, "DUCKDB_PATH": str(missing)}, capture_output=True, text=True)
    assert done.returncode != 0
    assert f"error: {missing}: IO Error: Cannot open database" in done.stderr
    assert "Traceback" not in done.stderr
    for step in ("source freshness", "build --", "publisher.cli"):  # no step printed: none would run
        assert step not in done.stdout
    assert not missing.exists()

EXIT_NOW = """
import atexit, sys, threading, time
from ops.dbt_cli import exit_now
atexit.register(lambda: print("atexit ran"))
threading.Thread(target=lambda: (time.sleep(0.3), print("thread done"))).start()
print("buffered", end=" ")  # stdout is a pipe: block-buffered, so only the flush delivers it
exit_now({code})
"""


@pytest.mark.parametrize(("code", "status", "stderr"), [("None", 0, ""), ("3", 3, ""), ("'no profile'", 1, "no profile\n")])
def test_dbt_cli_exits_as_sys_exit_would(code, status, stderr):
    """ops/dbt_cli.py skips the interpreter's teardown (os._exit) but keeps what a normal exit does: the status, a
    running non-daemon thread waited for, the atexit handlers run after it, everything printed delivered."""
    done = subprocess.run([sys.executable, "-c", EXIT_NOW.format(code=code)], cwd=PROJECT_DIR, capture_output=True,
                          text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (status, "buffered thread done\natexit ran\n", stderr)


def test_dbt_cli_gives_dbts_exit_codes_and_output():
    """`python -m ops.dbt_cli` (make's DBT) is dbt's command line: a usage error exits 2, --version prints dbt's."""
    usage = subprocess.run([sys.executable, "-m", "ops.dbt_cli", "--no-such-flag"], cwd=PROJECT_DIR,
                           capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "Usage: dbt [OPTIONS]" in usage.stderr and "No such option '--no-such-flag'" in usage.stderr
    version = subprocess.run([sys.executable, "-m", "ops.dbt_cli", "--version"], cwd=PROJECT_DIR,
                             capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and "installed: 1.12.0" in version.stdout


def test_dbt_cli_colours_its_lines_on_a_terminal_only(tmp_path):
    """dbt colours every line by default, also into a file or a pipe (a scheduled run's log, Cloud Logging, CI), where
    the escape codes show as text ("[0m11:10:02  [31mFAIL 1[0m"). make's DBT colours them on a terminal only; an
    explicit DBT_USE_COLORS still decides. `dbt deps` of a scratch project without packages logs three lines."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: scratch\nversion: '1.0'\nprofile: scratch\n")

    def run(stdout: int, **env: str) -> tuple[bytes, str]:
        """dbt's console output (when ``stdout`` is a pipe) and its log file."""
        logs = tmp_path / f"logs{len(list(tmp_path.iterdir()))}"
        environment = {k: v for k, v in os.environ.items() if k != "DBT_USE_COLORS"}
        done = subprocess.run([sys.executable, "-m", "ops.dbt_cli", "deps", "--project-dir", str(project)],
                              cwd=PROJECT_DIR, stdout=stdout, stderr=subprocess.STDOUT,
                              env={**environment, "DBT_LOG_PATH": str(logs), **env}, timeout=120)
        assert done.returncode == 0
        return done.stdout or b"", (logs / "dbt.log").read_text()

    console, log_file = run(subprocess.PIPE)
    assert b"Running with dbt=" in console and b"\x1b" not in console and "\x1b" not in log_file
    console, log_file = run(subprocess.PIPE, DBT_USE_COLORS="true")  # dbt's default, as the plain `dbt` script has it
    assert console.startswith(b"\x1b[0m") and "\x1b[0m" in log_file
    terminal, other_end = pty.openpty()
    try:
        run(other_end)
        os.close(other_end)
        shown = b""
        while select.select([terminal], [], [], 1)[0]:
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # Linux: the other end is closed and everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(terminal)
    assert shown.startswith(b"\x1b[0m") and b"Running with dbt=" in shown


def test_a_night_end_given_with_an_offset_is_converted_to_utc():
    """--until 2026-02-22T03:00-05:00 (3 am in New York) is 08:00 UTC; the offset used to be replaced by UTC's: the
    night ended five hours early. A time without an offset is UTC, as the help says."""
    from ops.live_night import utc_time

    assert utc_time("2026-02-22T03:00-05:00") == dt.datetime(2026, 2, 22, 8, 0, tzinfo=dt.timezone.utc)
    assert utc_time("2026-02-22T08:00") == dt.datetime(2026, 2, 22, 8, 0, tzinfo=dt.timezone.utc)
