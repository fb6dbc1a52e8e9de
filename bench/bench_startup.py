"""Start-up cost of the `dondoc` command: wall time of `dondoc say /help`, and the memory of an idle
`dondoc run` (console only, no token).

Run with `.venv/bin/python bench/bench_startup.py [N] [--bytecode] [--instructions]`. In a temp
directory with its own SQLite DATABASE_URL and no messenger tokens, one `dondoc say /help` creates and
migrates the database; then N (default 10) more are timed as subprocesses (median and min wall time,
and their CPU time). Then `dondoc run` is started with stdin a pipe held open, so it waits idle; after
~3 s its VmRSS and VmHWM are read from /proc/PID/status, and SIGTERM must stop it with exit status 0.
Targets: `dondoc say /help` under 0.4 s, idle `dondoc run` under 80 MB RSS.

With PYTHONDONTWRITEBYTECODE set (as in some shells here) and no compiled bytecode, Python would
compile every module from source at every start (`make` byte-compiles the package); `--bytecode`
also times the runs with a bytecode cache in the temp directory (PYTHONPYCACHEPREFIX: nothing is
written into the tree). The least time of a bare `import sqlalchemy.orm` is printed too: the floor of
any start, and a gauge of how fast the machine is at the moment. `--instructions` counts the
instructions of one `dondoc say /help` under valgrind (cachegrind): slow, but unlike wall time it does
not change with what else runs on the machine.
"""

import argparse
import importlib.util
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DONDOC = ROOT / ".venv" / "bin" / "dondoc"
SAY = [str(DONDOC), "say", "/help"]
SAY_TARGET_S = 0.4
RSS_TARGET_MB = 80.0
IDLE_S = 3.0
STOP_TIMEOUT_S = 5.0


PACKAGE = Path(__file__).resolve().parents[1] / "dondoc"


def compiled_current(source: Path) -> bool:
    """Whether the module's .pyc exists and is newer than its source (so no start compiles it)."""
    cached = Path(importlib.util.cache_from_source(str(source)))
    return cached.exists() and cached.stat().st_mtime >= source.stat().st_mtime


def environment(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        env.pop(name, None)
    return env


def with_bytecode(env: dict[str, str], workdir: Path) -> dict[str, str]:
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def say(workdir: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one `dondoc say /help`."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(SAY, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit(f"dondoc say /help failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, cpu


def timed(workdir: Path, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    measured = [say(workdir, env) for _ in range(runs)]
    return [wall for wall, _cpu in measured], [cpu for _wall, cpu in measured]


def floor(workdir: Path, env: dict[str, str], runs: int) -> float:
    """The least wall time of a bare `import sqlalchemy.orm` (and the SQLite dialect): what any start of
    the bot pays, and a measure of how fast the machine is right now."""
    python = str(ROOT / ".venv" / "bin" / "python")
    code = "import sqlalchemy.orm, sqlalchemy.dialects.sqlite"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, "-c", code], cwd=workdir, env=env, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def instructions(workdir: Path, env: dict[str, str]) -> int | None:
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *SAY],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    return int(found.group(1).replace(",", "")) if found else None


def status_kb(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS) in kB from /proc/PID/status."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            figures[name] = int(value.split()[0])
    return figures


def idle_run(workdir: Path, env: dict[str, str]) -> tuple[dict[str, int], int | None, float, str]:
    """Start `dondoc run` with an open stdin pipe; memory after IDLE_S, then SIGTERM's exit status (None,
    with a note, when it is still running STOP_TIMEOUT_S later: then stdin is closed to end it)."""
    proc = subprocess.Popen(
        [str(DONDOC), "run"],
        cwd=workdir,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(IDLE_S)
        if proc.poll() is not None:
            out, err = proc.communicate()
            sys.exit(f"dondoc run exited early ({proc.returncode}):\n{out}\n{err}")
        figures = status_kb(proc.pid)
        stopped = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        note = ""
        try:
            code = proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            code = None
            proc.stdin.close()  # end of input: the console leaves
            try:
                after = f"exit status {proc.wait(5)} once stdin was closed"
            except subprocess.TimeoutExpired:
                after = "still running after stdin was closed too; killed"
            note = f"no exit {STOP_TIMEOUT_S:.0f} s after SIGTERM; {after}"
        took = time.perf_counter() - stopped
        return figures, code, took, note
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream and not stream.closed:
                stream.close()


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report_times(label: str, times: list[float], cpus: list[float]) -> None:
    median = statistics.median(times)
    print(
        f"{label} x{len(times)}: median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
        f"(target < {SAY_TARGET_S} s: {verdict(median < SAY_TARGET_S)}); "
        f"CPU median {statistics.median(cpus):.3f} s, min {min(cpus):.3f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=10)
    parser.add_argument("--bytecode", action="store_true", help="also time with a bytecode cache")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as tmp:
        workdir = Path(tmp)
        env = environment(workdir)
        first = say(workdir, env)[0]
        times, cpus = timed(workdir, env, args.runs)
        if args.bytecode:
            cached = with_bytecode(env, workdir)
            say(workdir, cached)  # writes the bytecode cache
            cached_times, cached_cpus = timed(workdir, cached, args.runs)
        least = floor(workdir, env, max(3, args.runs // 2))
        counted = instructions(workdir, env) if args.instructions else None
        figures, code, took, note = idle_run(workdir, env)
    rss, hwm = figures.get("VmRSS", 0) / 1024, figures.get("VmHWM", 0) / 1024

    stale = [path for path in PACKAGE.rglob("*.py") if not compiled_current(path)]
    state = "yes (make byte-compiles the package)" if not stale else f"no, for {len(stale)} modules"
    print(f"dondoc's bytecode current: {state}")
    print(f"dondoc say /help: first run (creates and migrates the database) {first:.3f} s")
    report_times("dondoc say /help", times, cpus)
    if args.bytecode:
        report_times("dondoc say /help, bytecode cached", cached_times, cached_cpus)
    print(f"floor: python -c 'import sqlalchemy.orm, sqlalchemy.dialects.sqlite', min {least:.3f} s")
    if args.instructions:
        print(f"dondoc say /help instructions: {f'{counted:,}' if counted else 'valgrind not available'}")
    print(
        f"dondoc run idle {IDLE_S:.0f} s: VmRSS {rss:.1f} MB, VmHWM {hwm:.1f} MB "
        f"(target < {RSS_TARGET_MB:.0f} MB: {verdict(rss < RSS_TARGET_MB)})"
    )
    stop = f"exit status {code} after {took:.2f} s" if code is not None else note
    print(f"dondoc run SIGTERM: {stop} ({verdict(code == 0)})")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0 if code == 0 else 1  # a missed target is reported above, not an error of the benchmark


if __name__ == "__main__":
    raise SystemExit(main())
