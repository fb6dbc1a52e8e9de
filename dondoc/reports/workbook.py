"""The Excel workbook of the assignments: a summary sheet (per agency: assigned, done, done on time, done
late, awaiting confirmation, in progress, overdue, on-time rate, and the totals) and a sheet of every
lead assignment. Headers and state words in the language in force (`i18n.use_language`); dates are
dates shown dd/mm/yyyy, percentages numbers shown with %, the header row frozen and filtered.

openpyxl builds the workbook: its styles, properties, the summary sheet, and the assignments sheet's
title, header, column widths, frozen panes and filter. The assignments sheet's data rows — 100,000 of
them for a province's year — are streamed by `_RowStream` instead: openpyxl's own cell path, even in
write-only mode, costs 10–20 µs a cell (bench/bench_export.py: 20–30 s for 100,000 rows of up to 14
styled cells, against 3.5–5.6 s streamed in the same runs; the target is 10 s). `_RowStream` writes the
`<row>` elements openpyxl would (inline strings, Excel day numbers, the style indexes openpyxl assigned)
to a temporary file, which is spliced into the sheet openpyxl wrote when the zip is put together.
`write_workbook(..., rows_by_openpyxl=True)` writes them through openpyxl's cells instead; the tests
check that both read back the same, value for value and style for style.

openpyxl is imported here only; nothing at the bot's start imports this module.
"""

import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from sqlalchemy.orm import Session

from dondoc.handlers.render import state_phrase
from dondoc.i18n import N_, _, current_language, format_date
from dondoc.store.agencies import names_of
from dondoc.store.exports import AgencySummary, ExportRow, agency_summaries, assignment_rows, totals_of

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "DD/MM/YYYY"
RATE_FORMAT = "0.0%"
PERCENT_FORMAT = "0%"
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
HEADER_ROW = 2  # row 1 holds the sheet's title
FIRST_ROW = HEADER_ROW + 1
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

Target = str | Path | BinaryIO


@dataclass(frozen=True)
class WorkbookInfo:
    """What was written: the summary sheet's agencies (in its order) and the assignments sheet's row count."""

    summaries: list[AgencySummary]
    rows: int

    @property
    def totals(self) -> AgencySummary:
        return totals_of(self.summaries)


# Cell kinds: how a column's cells look.
TITLE, HEADER, TEXT, WRAP, NUMBER, DATE, PERCENT, RATE, BOLD_TEXT, BOLD_NUMBER, BOLD_RATE, NOTE = range(12)


@dataclass(frozen=True)
class Column:
    header: str  # an English msgid, translated when the sheet is written
    width: float
    kind: int


SUMMARY_COLUMNS = (
    Column(N_("Agency"), 42, WRAP),
    Column(N_("Assigned"), 11, NUMBER),
    Column(N_("Done"), 11, NUMBER),
    Column(N_("Done on time"), 11, NUMBER),
    Column(N_("Done late"), 11, NUMBER),
    Column(N_("Reported, awaiting confirmation"), 14, NUMBER),
    Column(N_("In progress"), 11, NUMBER),
    Column(N_("Overdue"), 11, NUMBER),
    Column(N_("On-time rate"), 11, RATE),
)
ASSIGNMENT_COLUMNS = (
    Column(N_("Task no."), 8, NUMBER),
    Column(N_("Task"), 60, WRAP),
    Column(N_("Source notice"), 30, WRAP),
    Column(N_("Ref."), 9, TEXT),
    Column(N_("Lead agency"), 28, WRAP),
    Column(N_("Cooperating agencies"), 30, WRAP),
    Column(N_("Original deadline"), 12, DATE),
    Column(N_("Current deadline"), 12, DATE),
    Column(N_("State"), 22, WRAP),
    Column(N_("Progress"), 10, PERCENT),
    Column(N_("Latest report"), 50, WRAP),
    Column(N_("Report date"), 12, DATE),
    Column(N_("Evidence"), 30, WRAP),
    Column(N_("Acknowledged on"), 12, DATE),
)


def write_workbook(
    target: Target,
    session: Session,
    *,
    today: dt.date,
    tz: dt.tzinfo,
    agency_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    rows_by_openpyxl: bool = False,
) -> WorkbookInfo:
    """Write the workbook to `target` (a path or a binary file), in the language in force.

    The summary counts each agency's lead assignments, cancelled ones left out; the assignments sheet
    lists every lead assignment, cancelled ones included. With `agency_id`, that agency's only; with
    `start`/`end`, those whose original deadline falls in the period (undated ones left out).
    """
    summaries = agency_summaries(session, today, agency_id, start, end)
    scope = _scope(session, agency_id, start, end)
    workbook = Workbook(write_only=True)
    styles = _Styles()
    summary_title = " · ".join(
        [_("Summary of assignments on {date}").format(date=format_date(today)), *scope]
    )
    workbook.properties.title = summary_title
    workbook.properties.creator = "Đôn Đốc"
    workbook.properties.language = current_language()

    summary = workbook.create_sheet(_sheet_name(_("Summary")))
    _frame(summary, styles, summary_title, SUMMARY_COLUMNS)
    for s in summaries:
        summary.append(styles.row(summary, _summary_values(s), SUMMARY_COLUMNS))
    summary.auto_filter.ref = _filter_ref(SUMMARY_COLUMNS, len(summaries))
    total = [_("Total"), *_summary_values(totals_of(summaries))[1:]]
    bold = {WRAP: BOLD_TEXT, NUMBER: BOLD_NUMBER, RATE: BOLD_RATE}
    summary.append(
        [styles.cell(summary, v, bold[c.kind]) for v, c in zip(total, SUMMARY_COLUMNS, strict=True)]
    )
    summary.append([])
    for note in (
        _("“{in_progress}” counts the open assignments, the overdue ones included.").format(
            in_progress=_("In progress")
        ),
        _(
            "{rate}: done on time ÷ the assignments with a deadline. Ongoing work, without a deadline, is "
            "neither on time nor late; cancelled assignments are left out."
        ).format(rate=_("On-time rate")),
    ):
        summary.append([styles.cell(summary, note, NOTE)])

    sheet = workbook.create_sheet(_sheet_name(_("Assignments")))
    title = " · ".join([_("Assignments on {date}").format(date=format_date(today)), *scope])
    _frame(sheet, styles, title, ASSIGNMENT_COLUMNS)
    values = (_assignment_values(row) for row in assignment_rows(session, agency_id, start, end, tz=tz))
    if rows_by_openpyxl:
        count = 0
        for row_values in values:
            sheet.append(styles.row(sheet, row_values, ASSIGNMENT_COLUMNS))
            count += 1
        sheet.auto_filter.ref = _filter_ref(ASSIGNMENT_COLUMNS, count)
        workbook.save(target)
        return WorkbookInfo(summaries, count)
    with tempfile.TemporaryFile() as rows_file:
        style_ids = [styles.style_id(sheet, c.kind) for c in ASSIGNMENT_COLUMNS]
        stream = _RowStream(rows_file, style_ids, FIRST_ROW)
        count = stream.write(values)
        sheet.auto_filter.ref = _filter_ref(ASSIGNMENT_COLUMNS, count)
        frame = io.BytesIO()
        workbook.save(frame)
        _splice(frame, sheet.path.lstrip("/"), rows_file, target)
    return WorkbookInfo(summaries, count)


def _scope(session: Session, agency_id: int | None, start: dt.date | None, end: dt.date | None) -> list[str]:
    """What the titles add after the date: ['Sở Tài chính', 'original deadlines from … to …']."""
    parts = []
    if agency_id is not None:
        parts.append(names_of(session, [agency_id]).get(agency_id, ""))
    if start is not None and end is not None:
        parts.append(
            _("original deadlines from {start} to {end}").format(
                start=format_date(start), end=format_date(end)
            )
        )
    elif start is not None:
        parts.append(_("original deadlines from {start}").format(start=format_date(start)))
    elif end is not None:
        parts.append(_("original deadlines up to {end}").format(end=format_date(end)))
    return [p for p in parts if p]


def _sheet_name(name: str) -> str:
    """A translation made a valid sheet name: none of []:*?/\\ and at most 31 characters."""
    return _SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:31] or "Sheet"


def _frame(sheet: "WriteOnlyWorksheet", styles: "_Styles", title: str, columns: Sequence[Column]) -> None:
    """Column widths, the title row, the header row, frozen below it: all before any data row."""
    for index, column in enumerate(columns, 1):
        # Set by the sheet's `_setup`, which the stubs do not see.
        sheet.column_dimensions[get_column_letter(index)].width = column.width  # type: ignore[attr-defined]
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.append([styles.cell(sheet, title, TITLE)])
    sheet.append([styles.cell(sheet, _(c.header), HEADER) for c in columns])


def _filter_ref(columns: Sequence[Column], rows: int) -> str:
    """The header row and the data rows below it (never the totals)."""
    return f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + rows}"


def _summary_values(s: AgencySummary) -> list[Any]:
    return [
        s.name,
        s.assigned,
        s.done,
        s.done_on_time,
        s.done_late,
        s.reported,
        s.open,
        s.overdue,
        s.on_time_rate,
    ]


def _text(value: str | None) -> str | None:
    """What a cell may hold: no control characters XML forbids, at most Excel's length."""
    if not value:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]


def _assignment_values(row: ExportRow) -> tuple[Any, ...]:
    notice = " — ".join(p for p in (row.notice_number, row.notice_title) if p)
    return (
        row.task_id,
        _text(row.task_text),
        _text(notice),
        _text(row.ref),
        _text(row.agency_name),
        _text(row.cooperating),
        row.original_deadline,
        row.deadline,
        _text(state_phrase(row)),
        None if row.progress is None else row.progress / 100,
        _text(row.report_text),
        row.report_date,
        _text(row.evidence),
        row.received_on,
    )


class _Styles:
    """How each kind of cell looks: `cell` makes an openpyxl cell of that kind; `style_id` is the index
    of the kind's style among the workbook's cell styles, which the streamed rows name."""

    def __init__(self) -> None:
        top = Alignment(vertical="top")
        wrap = Alignment(wrap_text=True, vertical="top")
        bold = Font(bold=True)
        self.specs: dict[int, dict[str, Any]] = {
            TITLE: {"font": Font(bold=True, size=13)},
            HEADER: {
                "font": bold,
                "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
                "fill": PatternFill("solid", fgColor="DDEBF7"),
            },
            TEXT: {"alignment": top},
            WRAP: {"alignment": wrap},
            NUMBER: {"alignment": top},
            DATE: {"alignment": top, "number_format": DATE_FORMAT},
            PERCENT: {"alignment": top, "number_format": PERCENT_FORMAT},
            RATE: {"alignment": top, "number_format": RATE_FORMAT},
            BOLD_TEXT: {"font": bold, "alignment": wrap},
            BOLD_NUMBER: {"font": bold, "alignment": top},
            BOLD_RATE: {"font": bold, "alignment": top, "number_format": RATE_FORMAT},
            NOTE: {"font": Font(italic=True)},
        }
        self.ids: dict[int, int] = {}

    def cell(self, sheet: "WriteOnlyWorksheet", value: Any, kind: int) -> Cell:
        cell = WriteOnlyCell(sheet)
        for name, style in self.specs[kind].items():
            setattr(cell, name, style)
        cell.value = value
        if isinstance(value, str) and cell.data_type != "s":
            cell.data_type = "s"  # text, never a formula ("=…") or an error code ("#N/A")
        return cell

    def row(
        self, sheet: "WriteOnlyWorksheet", values: Iterable[Any], columns: Sequence[Column]
    ) -> list[Cell | None]:
        return [
            None if value is None else self.cell(sheet, value, column.kind)
            for value, column in zip(values, columns, strict=True)
        ]

    def style_id(self, sheet: "WriteOnlyWorksheet", kind: int) -> int:
        """The index of the kind's style among the workbook's cell styles (registered by asking)."""
        if kind not in self.ids:
            self.ids[kind] = self.cell(sheet, None, kind).style_id
        return self.ids[kind]


class _RowStream:
    """Data rows as the XML openpyxl writes for them, to a file; see the module's docstring."""

    BATCH = 2_000  # rows per write

    def __init__(self, out: IO[bytes], style_ids: Sequence[int], first_row: int) -> None:
        self.out = out
        self.first_row = first_row
        self.cells = [(get_column_letter(i), style) for i, style in enumerate(style_ids, 1)]

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        parts: list[str] = []
        number = self.first_row
        cells = self.cells
        for values in rows:
            parts.append(f'<row r="{number}">')
            for (letter, style), value in zip(cells, values, strict=True):
                if value is None:
                    continue
                if isinstance(value, str):
                    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                    parts.append(
                        f'<c r="{letter}{number}" s="{style}" t="inlineStr"><is><t{space}>'
                        f"{_escape(value)}</t></is></c>"
                    )
                elif isinstance(value, dt.date):
                    parts.append(f'<c r="{letter}{number}" s="{style}" t="n"><v>{_serial(value)}</v></c>')
                else:
                    parts.append(f'<c r="{letter}{number}" s="{style}" t="n"><v>{value!r}</v></c>')
            parts.append("</row>")
            number += 1
            if len(parts) > self.BATCH * 12:
                self.out.write("".join(parts).encode("utf-8", "replace"))
                parts.clear()
        self.out.write("".join(parts).encode("utf-8", "replace"))  # a lone surrogate becomes "?"
        return number - self.first_row


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@lru_cache(maxsize=8192)
def _serial(day: dt.date) -> int:
    """The date as Excel's day number (what openpyxl writes for it)."""
    return int(to_excel(day))


def _splice(frame: io.BytesIO, sheet_path: str, rows: IO[bytes], target: Target) -> None:
    """The workbook openpyxl saved in `frame`, with the streamed rows put at the end of `sheet_path`'s
    rows (after its title and header), written to `target`."""
    frame.seek(0)
    with (
        zipfile.ZipFile(frame) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != sheet_path:
                out.writestr(info, data)
                continue
            head, end, tail = data.rpartition(b"</sheetData>")
            if not end:
                raise RuntimeError(f"openpyxl wrote {sheet_path} without a </sheetData>")
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with out.open(member, "w", force_zip64=True) as sheet:
                sheet.write(head)
                rows.seek(0)
                shutil.copyfileobj(rows, sheet, 1 << 20)
                sheet.write(end + tail)
