"""The floor for bench_handlers.py: /nhiemvu and /baocao as a minimal bot would do them with the stdlib's
sqlite3 on the bot's own database file, the SQL written out, the replies formatted in place.

The work is the bot's: identify the person by platform and user id; for /nhiemvu the first page of the
agency's unfinished lead assignments (most urgent first) with their total, each with its latest report,
and the agency's open contributions (count, and a page when there are any); for /baocao the task and the
agency's part with its latest percentage, then the report inserted, the part's progress updated and the
report's audit entry written, in one committed transaction. Only the standard library is used.

Two ways to read the page: `limit_first=False` writes it as a minimal bot would (the agency's unfinished
assignments joined, sorted, then cut to the page; a count beside it), `limit_first=True` as the bot
itself does (each state read in deadline order from the index and cut before anything is joined). The
first is the floor for the work; the second, the same SQL as the bot's, measures the framework alone.
"""

import datetime as dt
import json
import re
import sqlite3
from zoneinfo import ZoneInfo

PAGE = 15  # as /nhiemvu shows
COOP_SHOWN = 10
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

IDENTIFY = """
SELECT p.id, p.role, p.active, p.agency_id, a.name
FROM platform_link l JOIN person p ON p.id = l.person_id LEFT JOIN agency a ON a.id = p.agency_id
WHERE l.platform = ? AND l.platform_user_id = ?"""

LEAD_COUNT = """
SELECT count(*) FROM task_agency WHERE agency_id = ? AND role = 'lead' AND state IN ('open', 'reported')"""

COLUMNS = """t.id, t.title, ta.state, ta.deadline, ta.original_deadline, ta.state_note,
r.kind, r.percent, r.created_at"""

# Each unfinished state in (deadline, task) order from the index, cut at offset + limit, merged; only
# the page's rows are joined.
LEAD_PAGE = f"""
SELECT {COLUMNS} FROM (
    SELECT * FROM (
        SELECT id, deadline, task_id FROM task_agency
        WHERE agency_id = :agency AND role = 'lead' AND state = 'open' AND deadline IS NOT NULL
        ORDER BY deadline, task_id LIMIT :reach)
    UNION ALL
    SELECT * FROM (
        SELECT id, deadline, task_id FROM task_agency
        WHERE agency_id = :agency AND role = 'lead' AND state = 'reported' AND deadline IS NOT NULL
        ORDER BY deadline, task_id LIMIT :reach)
    ORDER BY deadline, task_id LIMIT :limit OFFSET :offset) AS page
JOIN task_agency ta ON ta.id = page.id JOIN task t ON t.id = ta.task_id
LEFT JOIN report r ON r.id = ta.last_report_id
ORDER BY page.deadline, page.task_id"""

# As a minimal bot writes it: every unfinished assignment of the agency joined and sorted, then cut.
STRAIGHT_PAGE = f"""
SELECT {COLUMNS} FROM task_agency ta JOIN task t ON t.id = ta.task_id
LEFT JOIN report r ON r.id = ta.last_report_id
WHERE ta.agency_id = :agency AND ta.role = 'lead' AND ta.state IN ('open', 'reported')
ORDER BY ta.deadline IS NULL, ta.deadline, t.id LIMIT :limit OFFSET :offset"""

COOP_COUNT = """
SELECT count(*) FROM task_agency ta JOIN task t ON t.id = ta.task_id
WHERE ta.agency_id = ? AND ta.role = 'coop' AND ta.state = 'open' AND t.status = 'open'"""

COOP_PAGE = f"""
SELECT {COLUMNS} FROM task_agency ta JOIN task t ON t.id = ta.task_id
LEFT JOIN report r ON r.id = ta.last_report_id
WHERE ta.agency_id = ? AND ta.role = 'coop' AND ta.state = 'open' AND t.status = 'open'
ORDER BY ta.deadline IS NULL, ta.deadline, t.id LIMIT ?"""

TASK_AND_PART = """
SELECT t.status, ta.id, ta.role, ta.state, ta.received_at, r.percent
FROM task t LEFT JOIN task_agency ta ON ta.task_id = t.id AND ta.agency_id = ?
LEFT JOIN report r ON r.id = ta.last_report_id
WHERE t.id = ?"""

INSERT_REPORT = """
INSERT INTO report (task_id, agency_id, person_id, kind, percent, text, evidence, created_at)
VALUES (?, ?, ?, 'progress', ?, ?, NULL, ?)"""

# SET reads the row as it was: the first report also records the agency's "received".
UPDATE_PART = """
UPDATE task_agency SET last_report_id = ?,
    received_by_id = CASE WHEN received_at IS NULL THEN ? ELSE received_by_id END,
    received_at = coalesce(received_at, ?)
WHERE id = ?"""

# The bot keeps an audit entry for every report (who reported what, on which agency's part): the same
# work, so the floor writes it too.
INSERT_AUDIT = """
INSERT INTO audit_log (person_id, action, subject, detail, created_at)
VALUES (?, 'report.progress', ?, ?, ?)"""

_REPORT_ARGS = re.compile(r"^#?(\d{1,9})\s+(\d{1,3})\s*%\s+(.+)$", re.DOTALL)


def _days(days: int) -> str:
    if days == 0:
        return "đến hạn hôm nay"
    return f"còn {days} ngày" if days > 0 else f"quá {-days} ngày"


def _stored(moment: dt.datetime) -> str:
    """A UTC time as the bot stores it in SQLite."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class PlainBot:
    def __init__(self, path: str, tz: ZoneInfo, synchronous: str = "FULL", limit_first: bool = True) -> None:
        self.page_sql = LEAD_PAGE if limit_first else STRAIGHT_PAGE
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.tz = tz

    def close(self) -> None:
        self.db.close()

    def _date(self, day: dt.date) -> str:
        return f"{WEEKDAYS[day.weekday()]}, {day.day}/{day.month}/{day.year}"

    def _line(self, row: tuple, today: dt.date) -> str:
        number, title, state, deadline, original, note, kind, percent, reported_at = row
        line = f"#{number} {title if len(title) <= 80 else title[:79] + '…'}"
        if deadline is None:
            due = "không có hạn cố định (thường xuyên)"
        else:
            day = dt.date.fromisoformat(deadline)
            days = (day - today).days
            due = self._date(day)
            if state == "open":
                due += f" ({_days(days)})"
            if original is not None and original != deadline:
                due += f" (đã gia hạn; hạn ban đầu {self._date(dt.date.fromisoformat(original))})"
            if state == "open" and days < 0:
                line = "⚠️ " + line
        if kind is None:
            progress = "chưa báo cáo"
        else:
            stamp = dt.datetime.fromisoformat(reported_at).replace(tzinfo=dt.UTC)
            when = self._date(stamp.astimezone(self.tz).date())
            progress = f"{percent}% (báo cáo {when})" if kind == "progress" else f"báo cáo hoàn thành {when}"
        details = f"Hạn: {due} · Tiến độ: {progress}"
        if state != "open" or note:
            details += " · " + ("đã báo cáo hoàn thành, chờ Văn phòng xác nhận" if state != "open" else note)
        return line + "\n   " + details

    def tasks(self, platform: str, user_id: str, now: dt.datetime) -> str:
        """/nhiemvu, page 1, for a member of an agency."""
        db = self.db
        db.execute("BEGIN")
        try:
            person = db.execute(IDENTIFY, (platform, user_id)).fetchone()
            if person is None or not person[2] or person[1] not in ("head", "staff"):
                return "Bạn chưa có quyền dùng lệnh này."
            agency_id, agency = person[3], person[4]
            total = db.execute(LEAD_COUNT, (agency_id,)).fetchone()[0]
            rows = db.execute(
                self.page_sql, {"agency": agency_id, "reach": PAGE, "limit": PAGE, "offset": 0}
            ).fetchall()
            coop_total = db.execute(COOP_COUNT, (agency_id,)).fetchone()[0]
            coops = db.execute(COOP_PAGE, (agency_id, COOP_SHOWN)).fetchall() if coop_total else []
        finally:
            db.execute("COMMIT")
        header = f"Nhiệm vụ do {agency} chủ trì chưa hoàn thành: {total}"
        if total == 0 and coop_total == 0:
            return header + ". Hiện không có nhiệm vụ nào cần báo cáo."
        today = now.astimezone(self.tz).date()
        lines = [header, *(self._line(row, today) for row in rows)]
        if total > len(rows):
            lines.append(f"… và {total - len(rows)} nhiệm vụ khác. Gõ /nhiemvu 2 để xem trang tiếp theo.")
        if coop_total:
            lines += ["", f"Phối hợp (phần đóng góp vào nhiệm vụ của cơ quan khác): {coop_total}"]
            lines += [self._line(row, today) for row in coops]
        lines.append("Báo cáo: /baocao N 60% nội dung đã làm. Xem chi tiết: /xem N.")
        return "\n".join(lines)

    def report(self, platform: str, user_id: str, args: str, now: dt.datetime) -> str:
        """/baocao N P% text: committed before the reply is returned."""
        match = _REPORT_ARGS.match(args.strip())
        if match is None:
            return "Gõ theo mẫu: /baocao 12 60% Đã hoàn thành dự thảo kế hoạch"
        number, percent, text = int(match[1]), int(match[2]), match[3].strip()
        if percent > 100:
            return f"{percent}% là không hợp lệ: tiến độ là số nguyên từ 0% đến 100%."
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            person = db.execute(IDENTIFY, (platform, user_id)).fetchone()
            if person is None or not person[2] or person[1] not in ("head", "staff"):
                db.execute("ROLLBACK")
                return "Bạn chưa có quyền dùng lệnh này."
            person_id, agency_id = person[0], person[3]
            found = db.execute(TASK_AND_PART, (agency_id, number)).fetchone()
            refusal = self._refusal(number, found)
            if refusal is None and found[5] is not None and percent < found[5]:
                refusal = f"Cơ quan đã báo cáo {found[5]}%; ghi nhận con số thấp hơn?"
            if refusal is not None:
                db.execute("ROLLBACK")
                return refusal
            stamp = _stored(now)
            report_id = db.execute(
                INSERT_REPORT, (number, agency_id, person_id, percent, text, stamp)
            ).lastrowid
            db.execute(UPDATE_PART, (report_id, person_id, stamp, found[1]))
            detail = {"agency_id": agency_id, "agency": person[4], "report_id": report_id, "percent": percent}
            db.execute(INSERT_AUDIT, (person_id, f"task:{number}", json.dumps(detail), stamp))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return f"✅ Đã ghi nhận: nhiệm vụ số {number}, {percent}%. Xin cảm ơn."

    @staticmethod
    def _refusal(number: int, found: tuple | None) -> str | None:
        if found is None or found[1] is None:
            return f"Nhiệm vụ số {number} không thuộc các nhiệm vụ bạn được xem."
        status, _part, role, state = found[:4]
        if state == "cancelled":
            return "Chỉ cơ quan được giao nhiệm vụ mới báo cáo."
        if role == "coop":
            return None if status == "open" else f"Nhiệm vụ số {number} đã đóng."
        if state == "reported":
            return f"Cơ quan đã báo cáo hoàn thành nhiệm vụ số {number}; chờ Văn phòng xác nhận."
        if state == "done":
            return f"Nhiệm vụ số {number} đã hoàn thành."
        return None
