"""Questions in plain words answered per second through the dispatcher, on 10,000 tasks.

Run with `make bench` (or `.venv/bin/python bench/bench_questions.py [TASKS]`). Seeds the database of
bench/bench_summary.py (150 agencies, a mix of states) and asks, as the office, one question of each
kind the grammar knows, with and without diacritics, over and over; prints the rate of each and of the
whole mix, beside the /quahan command for the same agency (what a question adds: reading it).
"""

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_summary import Bench
from dondoc.text import strip_diacritics

TASKS = 10_000
ROUNDS = 5
PER_ROUND = 20
QUESTIONS = [
    ("overdue, one agency", "Sở Tài chính còn mấy việc quá hạn?"),
    ("overdue, province", "việc nào quá hạn rồi"),
    ("overdue, typo", "so tai chin co viec gi tre han k"),
    ("due this week", "nhiệm vụ nào sắp đến hạn tuần này"),
    ("due in 15 days, agency", "15 ngày tới STC phải xong việc gì"),
    ("progress of a task", "tiến độ nhiệm vụ 12"),
    ("situation of an agency", "tình hình Công an tỉnh"),
    ("most late agencies", "đơn vị nào trễ hạn nhiều nhất"),
    ("no report at all", "việc nào chưa có báo cáo"),
    ("reported today", "hôm nay ai báo cáo"),
    ("not acknowledged", "ai chưa xác nhận đã nhận nhiệm vụ"),
    ("an agency's list", "danh sách nhiệm vụ của Sở Y tế"),
    ("cannot answer", "ai là giám đốc Sở Tài chính?"),
]


def rate(bench: Bench, text: str) -> float:
    message = replace(bench.message, text=text)
    handle = bench.app.dispatcher.handle
    handle(message)  # warm
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(PER_ROUND):
            handle(message)
        rates.append(PER_ROUND / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else TASKS
    bench = Bench(tasks, all_open=False)
    try:
        print(f"questions through the dispatcher, {tasks:,} tasks, 150 agencies, SQLite; as the office:")
        rates: list[float] = []
        for label, text in QUESTIONS:
            with_marks, without = rate(bench, text), rate(bench, strip_diacritics(text))
            rates += [with_marks, without]
            print(f"  {label:<26} {with_marks:7.0f} /s   without diacritics {without:7.0f} /s")
        mix = len(rates) / sum(1 / r for r in rates)
        print(f"  the whole mix (harmonic mean) {mix:7.0f} questions/s, {1000 / mix:.2f} ms each")
        print(f"  for comparison, /quahan STC  {rate(bench, '/quahan STC'):7.0f} /s")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
