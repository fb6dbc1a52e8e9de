"""Render the /xuat chart for a realistic state of 12 agencies, to look at it: `docs/chart-example.png`.

Run with `.venv/bin/python bench/render_chart_example.py [OUT.png] [--en]`. Not a benchmark (`make bench`
does not run it): a picture to check by eye that the Vietnamese names and labels render, that the bars
read at phone size and that long names are cut.
"""

import sys
from pathlib import Path

from dondoc.i18n import use_language
from dondoc.reports.chart import agency_chart
from dondoc.store.exports import AgencySummary

OUT = Path(__file__).resolve().parent.parent / "docs" / "chart-example.png"

# name, done on time, done late, reported, open (overdue included), overdue, undated (any state)
STATE: tuple[tuple[str, int, int, int, int, int, int], ...] = (
    ("Sở Khoa học và Công nghệ", 14, 2, 1, 4, 1, 0),
    ("Sở Tài chính", 11, 4, 2, 6, 3, 1),
    ("Sở Tư pháp", 9, 1, 0, 2, 0, 0),
    ("Sở Y tế", 7, 5, 1, 5, 4, 0),
    ("Sở Xây dựng", 6, 6, 0, 7, 5, 0),
    ("Sở Nông nghiệp và Môi trường", 12, 3, 2, 5, 2, 2),
    ("Sở Giáo dục và Đào tạo", 10, 1, 1, 3, 0, 0),
    ("Sở Văn hóa, Thể thao và Du lịch", 4, 4, 1, 3, 2, 0),
    ("Ban Quản lý Khu Kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi", 5, 2, 0, 6, 4, 0),
    ("Công an tỉnh", 8, 0, 0, 1, 0, 0),
    ("Ủy ban nhân dân Phường Trương Quang Trọng", 2, 3, 0, 4, 3, 0),
    ("Trung tâm Phục vụ hành chính công tỉnh", 0, 0, 0, 0, 0, 3),
)


def summaries() -> list[AgencySummary]:
    rows = []
    for number, (name, on_time, late, reported, open_, overdue, undated) in enumerate(STATE, start=1):
        dated = on_time + late + reported + open_
        rows.append(
            AgencySummary(
                agency_id=number,
                name=name,
                assigned=dated + undated,
                done_on_time=on_time,
                done_late=late,
                reported=reported,
                open=open_,
                overdue=overdue,
                dated=dated,
            )
        )
    return rows


# The title is the caller's (the /xuat command's); here a fixed one in each language.
TITLES = {"vi": "Tình hình thực hiện nhiệm vụ theo cơ quan, năm 2026", "en": "Assignments by agency, 2026"}


def render(language: str) -> bytes:
    """The chart in `language`, its labels from the catalogs as they are (run again after translating)."""
    with use_language(language):
        return agency_chart(summaries(), title=TITLES[language])


def main(argv: list[str]) -> int:
    language = "en" if "--en" in argv else "vi"
    paths = [a for a in argv if not a.startswith("--")]
    out = Path(paths[0]) if paths else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(language))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
