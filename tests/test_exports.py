"""The Excel workbook (`dondoc export`, and what /xuat sends): the summary sheet's figures agree with
/tonghop, the assignments sheet lists every lead assignment with its cooperating agencies, progress,
report and dates, cells are typed and formatted, and the period filter reads the original deadline."""

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from dondoc.bot.cli import main
from dondoc.i18n import _, use_language
from dondoc.reports.workbook import ASSIGNMENT_COLUMNS, SUMMARY_COLUMNS, write_workbook
from dondoc.store.agencies import find_agency
from dondoc.store.exports import AgencySummary, agency_summaries, assignment_rows
from dondoc.store.notices import add_notice
from dondoc.store.tasks import add_task, agency_counts
from tests.conftest import TZ
from tests.test_assignments import at, counts_in

TODAY = dt.date(2026, 3, 13)
KHCN, STC, STP = "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp"
NOTICE_TITLE = "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Khoa học và Công nghệ"
# Per agency: assigned, done on time, done late, reported, open, overdue, dated (on 13/3/2026).
EXPECTED = {
    KHCN: (4, 0, 0, 0, 3, 2, 3),  # 1 and 7 overdue, 8 open, 5 done undated; 4 cancelled
    STC: (3, 1, 1, 1, 0, 0, 3),  # 1 on time, 2 late, 6 awaiting confirmation
    STP: (2, 1, 0, 0, 1, 1, 2),  # 3 on time after an extension, 7 overdue
}
# (task, lead agency) in the sheet's order, cancelled included.
ROWS = [
    (1, KHCN),
    (1, STC),
    (2, STC),
    (3, STP),
    (4, KHCN),
    (5, KHCN),
    (6, STC),
    (7, KHCN),
    (7, STP),
    (8, KHCN),
]


@pytest.fixture
def state(app, team, clock):
    """Several leads, cooperating agencies, a notice, progress and completion reports, completions confirmed
    on time, late, on time after an extension and undated, one awaiting confirmation, a cancelled task and
    an assignment nobody acknowledged; the office reads it on Friday 13/3/2026."""
    team.join("gd-stp", "STP", "head")
    for number, line in enumerate(
        (
            "KHCN; STC | 10/3/2026 | A hai cơ quan chủ trì | STP",  # 1
            "STC | 5/3/2026 | B làm trễ hạn | KHCN",  # 2
            "STP | 4/3/2026 | C được gia hạn",  # 3
            "KHCN | 31/3/2026 | D bị hủy | STC",  # 4
            "KHCN | thường xuyên | E không có thời hạn",  # 5
            "STC | 20/3/2026 | F chờ xác nhận",  # 6
            "STP; KHCN | 3/3/2026 | G quá hạn, chưa ai nhận",  # 7
        ),
        1,
    ):
        assert f"nhiệm vụ số {number}:" in team.say("vanphong", f"/giao {line}")
    with app.sessions() as session:
        notice = add_notice(
            session,
            None,
            clock.now,
            number="57/TB-UBND",
            title=NOTICE_TITLE,
            source_text="…",
            content_hash="5" * 64,
        )
        add_task(
            session,
            text="Hoàn thiện đề án chuyển đổi số ngành khoa học và công nghệ",
            title="Hoàn thiện đề án chuyển đổi số",
            leads=[find_agency(session, "KHCN")],
            coops=[find_agency(session, "STC")],
            deadline=dt.date(2026, 4, 15),
            deadline_text="trước ngày 15/4/2026",
            created_by=None,
            now=clock.now,
            notice=notice,
            ref="II.1",
        )  # 8
        session.commit()
    team.say("cv-khcn", "/danhan 1")
    team.say("gd-khcn", "/baocao 1 40% Đang dự thảo kế hoạch")
    team.say("gd-stp", "/giahan 3 20/3/2026 Chờ hồ sơ của các xã")
    team.say("vanphong", "/duyet 3")
    team.say("vanphong", "/huy 4 Không còn phù hợp")
    team.say("gd-khcn", "/hoanthanh 5 Báo cáo 5/BC-SKHCN")
    team.say("vanphong", "/xacnhan 5")
    clock.now = at("2026-03-06 10:00")
    team.say("gd-stc", "/hoanthanh 2 Quyết định 12/QĐ-STC")
    team.say("vanphong", "/xacnhan 2")
    clock.now = at("2026-03-09 10:00")
    team.say("gd-stc", "/hoanthanh 1 Quyết định 13/QĐ-STC")
    team.say("vanphong", "/xacnhan 1 STC")
    team.say("gd-stc", "/hoanthanh 6 Kế hoạch 14/KH-STC")
    clock.now = at("2026-03-12 10:00")
    team.say("gd-stp", "/hoanthanh 3 Văn bản 20/STP-VP")
    team.say("vanphong", "/xacnhan 3")
    clock.now = at("2026-03-13 09:00")
    return team


def figures(s: AgencySummary) -> tuple[int, ...]:
    return (s.assigned, s.done_on_time, s.done_late, s.reported, s.open, s.overdue, s.dated)


def tonghop_numbers(team) -> list[int]:
    """/tonghop's province line: in progress, overdue, due within 7 days, awaiting confirmation, done."""
    team.say("vanphong", "/ngonngu en")
    return counts_in(team.say("vanphong", "/tonghop").split("\n")[1])[:5]


def export(app, tmp_path: Path, language: str = "vi", name: str = "out.xlsx", **options) -> Path:
    path = tmp_path / name
    with app.sessions() as session, use_language(language):
        write_workbook(path, session, today=TODAY, tz=TZ, **options)
    return path


def table(sheet: Worksheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_summary_counts_what_tonghop_counts(app, state):
    with app.sessions() as session:
        summaries = agency_summaries(session, TODAY)
        counts = agency_counts(session, TODAY)
    assert {s.name: figures(s) for s in summaries} == EXPECTED
    assert [s.name for s in summaries] == [KHCN, STC, STP]  # by name
    for s in summaries:
        c = counts[s.agency_id]
        assert (s.open, s.overdue, s.reported, s.done) == (c.open, c.overdue, c.awaiting_confirmation, c.done)
    assert set(counts) == {s.agency_id for s in summaries}
    assert [s.on_time_rate for s in summaries] == [0.0, 1 / 3, 1 / 2]
    open_, overdue, _soon, awaiting, done = tonghop_numbers(state)
    assert (open_, overdue, awaiting, done) == (
        sum(s.open for s in summaries),
        sum(s.overdue for s in summaries),
        sum(s.reported for s in summaries),
        sum(s.done for s in summaries),
    )


def test_the_workbook_sheets_headers_and_formats(app, state, tmp_path):
    for language, names in (("en", ["Summary", "Assignments"]), ("vi", None)):
        book = load_workbook(export(app, tmp_path, language, f"{language}.xlsx"))
        with use_language(language):
            expected_names = names or [_("Summary"), _("Assignments")]
            headers = [_(c.header) for c in SUMMARY_COLUMNS], [_(c.header) for c in ASSIGNMENT_COLUMNS]
        assert book.sheetnames == expected_names
        summary, sheet = book.worksheets
        assert [c.value for c in summary[2]] == headers[0]
        assert [c.value for c in sheet[2]] == headers[1]
        for ws, columns in ((summary, SUMMARY_COLUMNS), (sheet, ASSIGNMENT_COLUMNS)):
            assert ws.freeze_panes == "A3"
            assert ws["A1"].font.bold and "13/3/2026" in ws["A1"].value
            assert ws.column_dimensions["B"].width == columns[1].width
        assert summary.auto_filter.ref == "A2:I5"  # header and the three agencies, not the totals
        assert sheet.auto_filter.ref == f"A2:N{2 + len(ROWS)}"
    en = load_workbook(tmp_path / "en.xlsx")
    assert [c.value for c in en["Assignments"][2]][:6] == [
        "Task no.",
        "Task",
        "Source notice",
        "Ref.",
        "Lead agency",
        "Cooperating agencies",
    ]
    assert en["Assignments"]["I4"].value == "done on time"  # task 1, Sở Tài chính
    vi = load_workbook(tmp_path / "vi.xlsx")
    sheet = vi.worksheets[1]
    states = {(row[0], row[4]): row[8] for row in table(sheet)[2:]}
    assert states[(1, STC)] == "hoàn thành đúng hạn"
    assert states[(2, STC)] == "hoàn thành trễ hạn"
    assert states[(3, STP)] == "hoàn thành đúng hạn (đã gia hạn)"
    assert states[(4, KHCN)] == "đã hủy: Không còn phù hợp"
    assert states[(5, KHCN)] == "đã hoàn thành"
    assert states[(6, STC)] == "đã báo cáo hoàn thành, chờ Văn phòng xác nhận"
    assert states[(7, STP)] == "đang thực hiện"

    date = sheet["G3"]  # task 1's original deadline
    assert isinstance(date.value, dt.datetime) and date.value.date() == dt.date(2026, 3, 10)
    assert "dd/mm/yyyy" in date.number_format.lower() and date.is_date
    assert sheet["B3"].alignment.wrap_text and sheet["B3"].alignment.vertical == "top"
    assert sheet["K3"].alignment.wrap_text
    assert sheet["B2"].font.bold
    progress = sheet["J3"]  # Sở KH&CN's 40% on task 1
    assert progress.value == pytest.approx(0.4) and "%" in progress.number_format


def test_the_summary_sheet_rows_rates_and_totals(app, state, tmp_path):
    summary = load_workbook(export(app, tmp_path)).worksheets[0]
    rows = table(summary)
    agencies, totals = rows[2:5], rows[5]
    # Agency, assigned, done, on time, late, awaiting, in progress, overdue, on-time rate.
    by_name = {row[0]: row for row in agencies}
    for name, (assigned, on_time, late, reported, open_, overdue, dated) in EXPECTED.items():
        row = by_name[name]
        assert row[1:8] == [assigned, assigned - reported - open_, on_time, late, reported, open_, overdue]
        assert row[8] == pytest.approx(on_time / dated)
    assert [row[0] for row in agencies] == [KHCN, STC, STP]
    with use_language("vi"):
        assert totals[0] == _("Total")
    assert totals[1:8] == [sum(row[i] for row in agencies) for i in range(1, 8)]
    assert totals[1:8] == [9, 4, 2, 1, 1, 4, 3]
    assert totals[8] == pytest.approx(2 / 8)  # done on time ÷ dated, not a mean of the rates
    for cell in (summary["I3"], summary["I6"]):
        assert "%" in cell.number_format
    assert summary["A6"].font.bold and summary["B6"].font.bold
    assert isinstance(summary["B3"].value, int)
    # The totals are /tonghop's.
    open_, overdue, _soon, awaiting, done = tonghop_numbers(state)
    assert (totals[6], totals[7], totals[5], totals[2]) == (open_, overdue, awaiting, done)


def test_the_assignments_sheet_has_every_lead_assignment(app, state, tmp_path):
    sheet = load_workbook(export(app, tmp_path)).worksheets[1]
    rows = table(sheet)[2:]
    assert [(row[0], row[4]) for row in rows] == ROWS
    by_key = {(row[0], row[4]): row for row in rows}
    day = dt.datetime
    cooperating = {key: row[5] for key, row in by_key.items()}
    assert cooperating[(1, KHCN)] == cooperating[(1, STC)] == STP
    assert cooperating[(2, STC)] == KHCN
    assert cooperating[(4, KHCN)] == STC  # cancelled with its task: still listed
    assert cooperating[(8, KHCN)] == STC
    assert cooperating[(3, STP)] is None
    progress = {key: row[9] for key, row in by_key.items()}
    assert progress[(1, KHCN)] == pytest.approx(0.4)
    assert progress[(1, STC)] == progress[(6, STC)] == progress[(5, KHCN)] == 1
    assert progress[(7, KHCN)] is None and progress[(8, KHCN)] is None
    khcn_1, stc_1, stp_3 = by_key[(1, KHCN)], by_key[(1, STC)], by_key[(3, STP)]
    assert khcn_1[1] == "A hai cơ quan chủ trì"
    assert khcn_1[10] == "Đang dự thảo kế hoạch" and khcn_1[11] == day(2026, 3, 2)
    assert khcn_1[13] == day(2026, 3, 2)  # acknowledged with /danhan
    assert stc_1[10] == stc_1[12] == "Quyết định 13/QĐ-STC"  # the product is the report's own words
    assert stc_1[11] == day(2026, 3, 9) and stc_1[13] == day(2026, 3, 9)  # the report acknowledged it
    assert stp_3[6:8] == [day(2026, 3, 4), day(2026, 3, 20)]  # original and current deadline
    assert by_key[(5, KHCN)][6] is None and by_key[(5, KHCN)][7] is None
    assert by_key[(7, KHCN)][13] is None and by_key[(7, STP)][13] is None  # nobody acknowledged
    notice = by_key[(8, KHCN)]
    assert notice[2] == f"57/TB-UBND — {NOTICE_TITLE}" and notice[3] == "II.1"
    assert khcn_1[2] is None and khcn_1[3] is None
    with app.sessions() as session:  # a batch of two tasks at a time reads the same rows
        small = [(r.task_id, r.agency_name, r.cooperating) for r in assignment_rows(session, tz=TZ, batch=2)]
    assert small == [(task, agency, cooperating[(task, agency)] or "") for task, agency in ROWS]


def test_the_period_reads_the_original_deadline_and_the_agency_its_own(app, state, tmp_path):
    book = load_workbook(export(app, tmp_path, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 10)))
    rows = table(book.worksheets[1])[2:]
    # 3 was due 4/3 and moved to 20/3: in; 6 is due 20/3, 4 on 31/3, 8 on 15/4, 5 undated: out.
    assert [(row[0], row[4]) for row in rows] == [
        (1, KHCN),
        (1, STC),
        (2, STC),
        (3, STP),
        (7, KHCN),
        (7, STP),
    ]
    assert "1/3/2026" in book.worksheets[0]["A1"].value and "10/3/2026" in book.worksheets[0]["A1"].value
    with app.sessions() as session:
        period = {
            s.name: figures(s) for s in agency_summaries(session, TODAY, None, None, dt.date(2026, 3, 9))
        }
        stc = find_agency(session, "STC")
        assert stc is not None
        own = agency_summaries(session, TODAY, stc.id)
        own_rows = list(assignment_rows(session, stc.id, tz=TZ))
    assert period == {STC: (1, 0, 1, 0, 0, 0, 1), STP: (2, 1, 0, 0, 1, 1, 2), KHCN: (1, 0, 0, 0, 1, 1, 1)}
    assert [figures(s) for s in own] == [EXPECTED[STC]]
    assert [(r.task_id, r.agency_name) for r in own_rows] == [(1, STC), (2, STC), (6, STC)]
    one = load_workbook(export(app, tmp_path, name="stc.xlsx", agency_id=stc.id))
    assert STC in one.worksheets[0]["A1"].value
    assert [row[0] for row in table(one.worksheets[0])[2:4]] == [STC, _("Total")]


def test_the_streamed_rows_are_those_openpyxl_writes(app, state, tmp_path, clock):
    """The data rows written by the row stream and by openpyxl's own cells read back the same, value for
    value and style for style; text that looks like a formula, markup or control characters included."""
    with app.sessions() as session:
        add_task(
            session,
            text=" =SUM(A1:A2) <b>Tom & Jerry</b>\x01\x0b \"quoted\" 'single'\nsecond line ",
            title="odd",
            leads=[find_agency(session, "STP")],
            coops=[],
            deadline=None,
            deadline_text=None,
            created_by=None,
            now=clock.now,
        )
        session.commit()
    streamed = load_workbook(export(app, tmp_path, name="stream.xlsx"))
    reference = load_workbook(export(app, tmp_path, name="openpyxl.xlsx", rows_by_openpyxl=True))
    for ours, theirs in zip(streamed.worksheets, reference.worksheets, strict=True):
        assert ours.title == theirs.title and ours.max_row == theirs.max_row
        assert (ours.freeze_panes, ours.auto_filter.ref) == (theirs.freeze_panes, theirs.auto_filter.ref)
        for mine, other in zip(ours.iter_rows(), theirs.iter_rows(), strict=True):
            for a, b in zip(mine, other, strict=True):
                assert (a.value, a.data_type, a.number_format) == (b.value, b.data_type, b.number_format)
                assert (a.alignment.wrap_text, a.alignment.vertical, a.font.bold) == (
                    b.alignment.wrap_text,
                    b.alignment.vertical,
                    b.font.bold,
                )
    odd = streamed.worksheets[1][f"B{2 + len(ROWS) + 1}"]
    assert odd.value == " =SUM(A1:A2) <b>Tom & Jerry</b> \"quoted\" 'single'\nsecond line "
    assert odd.data_type == "s"


def test_an_empty_store_gives_a_workbook_with_headers_only(app, tmp_path):
    buffer = io.BytesIO()
    with app.sessions() as session:
        info = write_workbook(buffer, session, today=TODAY, tz=TZ)
    assert (info.summaries, info.rows) == ([], 0)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert [len(table(ws)) for ws in book.worksheets] == [3 + 3, 2]  # title, header, totals; a blank, 2 notes
    assert book.worksheets[1].auto_filter.ref == "A2:N2"


def test_the_command_line_writes_the_workbook(app, state, tmp_path, capsys):
    path = tmp_path / "tong-hop.xlsx"
    assert main(["export", str(path), "--language", "en"], app=app) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"Workbook written to {path}: 3 agencies, {len(ROWS)} assignments."]
    assert (
        main(
            ["export", str(tmp_path / "one.xlsx"), "--agency", "STP", "--to", "9/3/2026", "--language", "en"],
            app=app,
        )
        == 0
    )
    assert capsys.readouterr().out.strip().endswith(": 1 agency, 2 assignments.")
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "Assignments"]
    assert len(table(book["Assignments"])) == 2 + len(ROWS)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left

    again = tmp_path / "stc.xlsx"
    args = ["export", str(again), "--agency", "Sở TC", "--from", "1/3/2026", "--to", "10/3/2026"]
    with use_language("vi"):
        assert main(args, app=app) == 0
    assert str(again) in capsys.readouterr().out
    rows = table(load_workbook(again).worksheets[1])[2:]
    assert [(row[0], row[4]) for row in rows] == [(1, STC), (2, STC)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "Sở Tài chánh"], "Sở Tài chính"),  # "did you mean"
        (["--agency", "zzz"], "zzz"),
        (["--from", "31/2/2026"], "31/2/2026"),
        (["--to", "ngày mai"], "ngày mai"),
        (["--from", "10/3/2026", "--to", "1/3/2026"], "1/3/2026"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(app, state, tmp_path, capsys, args, message):
    path = tmp_path / "x.xlsx"
    assert main(["export", str(path), *args], app=app) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert not path.exists()


def test_a_path_that_cannot_be_written_is_one_line_and_exit_2(app, state, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for path in (tmp_path, tmp_path / "missing" / "x.xlsx", blocker / "x.xlsx"):
        assert main(["export", str(path)], app=app) == 2
        err = capsys.readouterr().err.strip()
        assert str(path) in err and "Traceback" not in err and len(err.splitlines()) == 1, err
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"an older export")
    assert main(["export", str(existing)], app=app) == 0
    assert load_workbook(existing).sheetnames  # replaced whole
