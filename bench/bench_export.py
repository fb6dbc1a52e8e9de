"""The Excel workbook of 100,000 lead assignments across 150 agencies: time and peak memory.

Run with `make bench` (or `.venv/bin/python bench/bench_export.py [TASKS] [--no-compare]`). Seeds the
database of bench/bench_summary.py (a mix of states, a cooperating agency on every fifth task, a report
on each), then writes the workbook (`dondoc.reports.workbook.write_workbook`) to a temporary file in a
fresh process, so that the process's peak resident memory (VmHWM, ru_maxrss) is the export's and not the
seeding's; a second run in another process measures the peak of Python's own allocations (tracemalloc,
which slows it, so it is not timed). The file is then read back (openpyxl, read-only) and its rows
counted. For comparison, the same workbook with the data rows written through openpyxl's cells
(`rows_by_openpyxl=True`), timed once. Targets: under 10 s and under 300 MB.
"""

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_summary import AGENCIES, NOW, TZ, Bench

TASKS = 100_000
TARGET_S = 10.0
TARGET_MB = 300.0


def _peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM where /proc has it, else ru_maxrss (KiB on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, out: str, mode: str) -> None:
    """One export in this process; prints its figures as JSON."""
    import tracemalloc

    from dondoc.bot.app import App
    from dondoc.bot.config import Config
    from dondoc.i18n import use_language
    from dondoc.reports import workbook

    app = App(Config.load(env_file=None, environ={"DATABASE_URL": url}))
    before = _peak_rss_mb()
    if mode == "traced":
        tracemalloc.start()
    start = time.perf_counter()
    with app.sessions() as session, use_language("vi"):
        info = workbook.write_workbook(
            out, session, today=NOW.date(), tz=TZ, rows_by_openpyxl=mode == "openpyxl"
        )
    seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if mode == "traced" else None
    app.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_before": before,
                "rss_peak": _peak_rss_mb(),
                "traced_peak": traced,
                "rows": info.rows,
                "agencies": len(info.summaries),
                "assigned": info.totals.assigned,
            }
        )
    )


def run_child(url: str, out: Path, mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, str(out), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the export failed ({mode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def read_back(path: Path) -> dict[str, int]:
    """Each sheet's row count, read as a reader would (openpyxl, read-only)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: sum(1 for _ in sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    tasks = int(args[0]) if args else TASKS
    compare = "--no-compare" not in sys.argv
    started = time.perf_counter()
    bench = Bench(tasks, all_open=False)
    url = str(bench.app.engine.url)
    print(
        f"workbook export, {tasks:,} lead assignments across {AGENCIES} agencies "
        f"(seeded in {time.perf_counter() - started:.0f} s), SQLite, in a fresh process each:"
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "export.xlsx"
            timed = run_child(url, out, "stream")
            size = out.stat().st_size / 2**20
            started = time.perf_counter()
            counts = read_back(out)
            read_s = time.perf_counter() - started
            traced = run_child(url, Path(folder) / "traced.xlsx", "traced")
            reference = run_child(url, Path(folder) / "openpyxl.xlsx", "openpyxl") if compare else None
    finally:
        bench.close()
    seconds, peak = timed["seconds"], timed["rss_peak"]
    print(
        f"  wrote {timed['rows']:,} assignment rows and {timed['agencies']} agencies "
        f"({timed['assigned']:,} assigned, cancelled left out) in {seconds:.2f} s; file {size:.1f} MB"
    )
    print(
        f"  time          {seconds:7.2f} s   (target < {TARGET_S:.0f} s)   "
        f"{'OK' if seconds < TARGET_S else 'MISSED'}"
    )
    print(
        f"  peak RSS      {peak:7.1f} MB  (target < {TARGET_MB:.0f} MB)  "
        f"{'OK' if peak < TARGET_MB else 'MISSED'}"
        f"   — {timed['rss_before']:.1f} MB before the export (interpreter, SQLAlchemy, openpyxl)"
    )
    print(f"  peak traced Python memory of the export (tracemalloc): {traced['traced_peak']:.1f} MB")
    sheets = ", ".join(f"{title}: {rows:,} rows" for title, rows in counts.items())
    expected = timed["rows"] + 2  # the title and header rows
    opened = "OK" if list(counts.values())[-1] == expected else f"MISMATCH (expected {expected:,})"
    print(f"  read back with openpyxl (read-only) in {read_s:.1f} s: {sheets}  {opened}")
    if reference is not None:
        print(
            f"  for comparison, the data rows through openpyxl's own cells (write-only mode): "
            f"{reference['seconds']:.2f} s, peak RSS {reference['rss_peak']:.1f} MB"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
