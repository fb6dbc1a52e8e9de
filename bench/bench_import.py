"""The notice importer's parser: time to read a notice into tasks, on the shipped sample and on generated
notices of 1, 10 and 100 pages; the directory's load; the whole `dondoc notice parse FILE --json`.

Run with `.venv/bin/python bench/bench_import.py [--runs N] [--pages 1 10 100] [--seed S] [--quick]`
(or `.venv/bin/python -m bench.bench_import …`). A SQLite file in a temporary directory is created and
migrated and the shipped agency directory loaded into it (`App.bootstrap()`, as at a first start); the
directory the parser reads (`Directory.load(session)`) is loaded once and that load timed on its own.
Then `dondoc.notices.parse.parse_notice(text, directory, today)` — the parser's public entry point, and
nothing inside it — is timed, after one warm-up, on:

- the sample notice tests/fixtures/sample-nq57-quang-ngai.txt (N runs, default 20): target under 50 ms;
- notices made by bench/notice_corpus.py (`make_notice(pages, seed)`: a letterhead, title, introduction,
  parts of varied units drawn from ~30 templates of the genre, "Nơi nhận", signature; a page ≈ 3,000
  characters) of 1, 10 and 100 pages: target the 100-page one under 1 s, and time growing linearly
  with length (t(10)/t(1) and t(100)/t(10) ≈ 10; per page about the same at every size). A size's runs
  stop at N or once they have taken --budget seconds (default 60), whichever is first, but never
  fewer than 3; the runs made are printed.

For each input: its characters, the tasks found, the median and min seconds; for the largest generated
notice, the peak of Python's allocations during one parse (tracemalloc, in a run of its own, which it
slows, so it is not timed). And the whole command as a person runs it, in process: `dondoc.bot.cli.main(
["notice", "parse", SAMPLE, "--json"], app=app)` on the same database (the start-up checks, reading and
decoding the file, loading the directory, parsing, writing the JSON, which is captured), N runs.
Each input's first parse, which counts its tasks, is its warm-up. `--quick` makes 5 runs of the sample
and of the command, and 1 of each size, for a smoke test.
"""

import argparse
import contextlib
import datetime as dt
import io
import itertools
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.notice_corpus import PAGE_CHARS, make_notice
from dondoc.bot.app import App
from dondoc.bot.cli import main as cli_main
from dondoc.bot.config import Config
from dondoc.notices.mentions import Directory
from dondoc.notices.parse import parse_notice
from dondoc.store.agencies import count_agencies

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sample-nq57-quang-ngai.txt"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 2, 2, 9, 0, tzinfo=TZ)  # ten days after the sample's meeting
TODAY = NOW.date()
RUNS = 20
PAGES = (1, 10, 100)
BUDGET_S = 60.0
MIN_RUNS = 3
SAMPLE_TARGET_S = 0.050
LARGE_PAGES = 100
LARGE_TARGET_S = 1.0  # at LARGE_PAGES


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.2f}"
    )


def timed(
    run: Callable[[], Any], runs: int, budget_s: float = float("inf"), warm: bool = True
) -> list[float]:
    """Seconds of each run (after one untimed warm-up); stops at `runs`, or once `budget_s` has been
    spent and at least MIN_RUNS are done."""
    if warm:
        run()
    times: list[float] = []
    while len(times) < runs:
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        if sum(times) >= budget_s and len(times) >= min(MIN_RUNS, runs):
            break
    return times


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def figures(times: list[float]) -> str:
    return f"median {statistics.median(times):.4f} s, min {min(times):.4f} s ({len(times)} runs)"


class Bench:
    """A migrated SQLite database holding the shipped directory, and the directory read from it."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="dondoc-bench-import-")
        url = f"sqlite:///{Path(self.tmp.name) / 'bench.sqlite3'}"
        self.app = App(Config.load(env_file=None, environ={"DATABASE_URL": url}), clock=lambda: NOW)
        self.app.bootstrap()
        with self.app.sessions() as session:
            self.agencies = count_agencies(session)
            self.directory = Directory.load(session)

    def load_directory(self) -> Directory:
        with self.app.sessions() as session:
            return Directory.load(session)

    def parse(self, text: str) -> Any:
        return parse_notice(text, self.directory, TODAY)

    def command(self, path: Path) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli_main(["notice", "parse", str(path), "--json"], app=self.app)
        if code != 0:
            sys.exit(f"dondoc notice parse {path} --json exited with {code}")
        return out.getvalue()

    def close(self) -> None:
        self.app.close()
        self.tmp.cleanup()


def peak_mb(run: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs of each input (default {RUNS})")
    parser.add_argument("--pages", type=int, nargs="+", default=list(PAGES), help="generated sizes")
    parser.add_argument("--seed", type=int, default=0, help="the generated notices' seed")
    parser.add_argument(
        "--budget", type=float, default=BUDGET_S, help="seconds of timed runs per generated size, at most"
    )
    parser.add_argument("--quick", action="store_true", help="5 runs of the sample, 1 of each size")
    args = parser.parse_args()
    sample_runs, size_runs = (5, 1) if args.quick else (args.runs, args.runs)
    pages = sorted(set(args.pages))

    print(f"notice parser (dondoc.notices.parse.parse_notice), in process; {machine()}")
    bench = Bench()
    try:
        load = timed(bench.load_directory, sample_runs)
        print(f"directory load ({bench.agencies} agencies, shipped CSV, SQLite): {figures(load)}")

        sample = SAMPLE.read_text(encoding="utf-8")
        found = len(bench.parse(sample).tasks)  # also the warm-up
        times = timed(lambda: bench.parse(sample), sample_runs, warm=False)
        median = statistics.median(times)
        print(
            f"sample {SAMPLE.name}: {len(sample):,} characters, {found} tasks; {figures(times)}  "
            f"(target < {SAMPLE_TARGET_S * 1000:.0f} ms: {verdict(median < SAMPLE_TARGET_S)})"
        )

        output = bench.command(SAMPLE)  # also the warm-up
        shown = len(json.loads(output).get("tasks", []))
        times = timed(lambda: bench.command(SAMPLE), sample_runs, warm=False)
        print(
            f"dondoc notice parse {SAMPLE.name} --json, in process (cli.main): {figures(times)}; "
            f"{shown} tasks, {len(output):,} characters of JSON"
        )

        medians: dict[int, float] = {}
        chars: dict[int, int] = {}
        texts: dict[int, str] = {}
        for size in pages:
            start = time.perf_counter()
            text = texts[size] = make_notice(size, args.seed)
            made = time.perf_counter() - start
            chars[size] = len(text)
            found = len(bench.parse(text).tasks)  # also the warm-up
            times = timed(lambda text=text: bench.parse(text), size_runs, args.budget, warm=False)
            medians[size] = statistics.median(times)
            per_page = medians[size] / (len(text) / PAGE_CHARS)
            print(
                f"{size:>4} page(s), seed {args.seed}: {len(text):,} characters, {found} tasks; "
                f"{figures(times)}; {per_page * 1000:.1f} ms per {PAGE_CHARS:,} characters "
                f"(made in {made:.3f} s)"
            )
        for small, large in itertools.pairwise(pages):
            ratio = medians[large] / medians[small]
            print(
                f"t({large})/t({small}) = {ratio:.2f} (characters ×{chars[large] / chars[small]:.2f}; "
                f"linear ≈ {large / small:g})"
            )
        largest = pages[-1]
        target = (
            f" (target < {LARGE_TARGET_S:.0f} s: {verdict(medians[largest] < LARGE_TARGET_S)})"
            if largest == LARGE_PAGES
            else ""
        )
        print(
            f"{largest} pages: median {medians[largest]:.3f} s{target}; "
            f"peak traced memory of one parse {peak_mb(lambda: bench.parse(texts[largest])):.1f} MB "
            f"(tracemalloc; the text itself {sys.getsizeof(texts[largest]) / 1e6:.1f} MB)"
        )
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    finally:
        bench.close()
    return 0  # a missed target is reported above, not an error of the benchmark


if __name__ == "__main__":
    raise SystemExit(main())
