#!/usr/bin/env bash
# Run a command while holding every given lock file, so that two runs sharing a warehouse,
# a dbt target folder or a destination never interleave (docs/deployment.md "Locks").
#
#   ops/locked.sh [-w SECONDS] [-d DESCRIPTION] LOCKFILE... -- COMMAND [ARG...]
#
# The locks are flock(1) locks (util-linux), taken in sorted order (two runs needing the
# same two locks never deadlock) within one budget of SECONDS in all (-w, default
# $LOCK_WAIT, else 600). The kernel releases a lock when its holder exits, however it
# exits (crash, kill -9): a lock file left on disk is not a held lock, and nobody ever
# deletes one by hand. The holder writes who it is into each file (pid, host, start, the
# description), so a run that gives up names it.
#
# Exit status: the command's; 75 (EX_TEMPFAIL) when a lock was still held by another run
# after SECONDS (the command did not start); 73 (EX_CANTCREAT) when a lock file cannot be
# opened (the command did not start); 64 on a usage error; flock's own when flock itself
# fails (not installed: 127), said as such.
set -euo pipefail

usage() {
    echo "usage: ops/locked.sh [-w SECONDS] [-d DESCRIPTION] LOCKFILE... -- COMMAND [ARG...]" >&2
    exit 64
}

wait_s="${LOCK_WAIT:-600}"
what=""
while getopts "w:d:" opt; do
    case "$opt" in
        w) wait_s="$OPTARG" ;;
        d) what="$OPTARG" ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[[ "$wait_s" =~ ^[0-9]+$ ]] || { echo "ops/locked.sh: -w / LOCK_WAIT must be whole seconds, got '$wait_s'" >&2; exit 64; }

locks=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    [ -n "$1" ] && locks+=("$1")
    shift
done
[ $# -gt 1 ] || usage
shift  # the --
[ ${#locks[@]} -gt 0 ] || usage
mapfile -t locks < <(printf '%s\n' "${locks[@]}" | sort -u)

deadline=$((SECONDS + wait_s))
for file in "${locks[@]}"; do
    if ! mkdir -p "$(dirname "$file")" 2>/dev/null || ! { exec {fd}>>"$file"; } 2>/dev/null; then
        echo "error: cannot open the lock file $file (its folder cannot be made, or it cannot be written):" \
            "${what:-the command} did not start (exit 73); name a lock in a folder this run can write." >&2
        exit 73
    fi
    left=$((deadline - SECONDS))
    [ "$left" -ge 0 ] || left=0
    status=0
    flock -E 75 -w "$left" "$fd" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 75 ]; then  # no flock(1), or it failed: not another run's lock
        echo "error: flock(1) failed on $file (exit $status): ${what:-the command} did not start; flock comes with" \
            "util-linux (apt-get install util-linux)." >&2
        exit "$status"
    fi
    if [ "$status" -eq 75 ]; then
        holder="$(cat "$file" 2>/dev/null || true)"
        pid="$(sed -n 's/^pid=\([0-9]*\).*/\1/p' <<<"$holder")"
        state=""
        if [ -n "$pid" ] && [[ "$holder" == *"host=$(hostname) "* ]]; then
            if kill -0 "$pid" 2>/dev/null; then state=" (still running: ps -fp $pid)"; fi
        fi
        echo "error: lock $file is held by another run: ${holder:-unknown holder}${state}." >&2
        echo "error: waited ${wait_s} s (LOCK_WAIT) and gave up: ${what:-the command} did not start (exit 75)." >&2
        echo "error: the next scheduled run will try again; a run stuck for long: see docs/deployment.md \"Locks\"." >&2
        exit 75
    fi
    printf 'pid=%s host=%s since=%s what=%s\n' "$$" "$(hostname)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        "${what:-$*}" >"$file"
done
# The command replaces this shell (same pid as written above) and inherits the locked
# descriptors: the locks are held until it and every process it started have exited.
exec "$@"
