"""The plain-row reads and writes of the hot paths (/nhiemvu's page, /baocao's report) against the ORM
ones they replace: the same rows, in the same order, rendered to the same lines; the same rows written."""

import datetime as dt
import random

import pytest
from sqlalchemy import select

from dondoc.handlers.render import part_line
from dondoc.i18n import use_language
from dondoc.store.agencies import find_agency
from dondoc.store.models import (
    AssignmentState,
    AuditLog,
    Outbox,
    PlatformLink,
    Report,
    ReportKind,
    Role,
    TaskAgency,
    TaskStatus,
)
from dondoc.store.people import add_person
from dondoc.store.tasks import (
    add_task,
    agency_cooperating,
    agency_lists,
    agency_unfinished,
    cooperating_parts,
    record_report,
    task_and_part,
    unfinished_assignments,
)
from tests.conftest import TZ

TODAY = dt.date(2026, 3, 2)


def _seed(app, seed: int) -> int:
    """A mixed agency: deadlines alike and apart, undated tasks, extended deadlines, every state, reports,
    notes, and tasks it cooperates on (some closed). Returns the agency's id."""
    rng = random.Random(seed)
    now = app.clock()
    with app.sessions() as session:
        mine, other = find_agency(session, "KHCN"), find_agency(session, "STC")
        person = add_person(
            session,
            name="cv",
            role=Role.STAFF,
            agency=mine,
            platform="console",
            user_id=f"cv-{seed}",
            chat_id=f"cv-{seed}",
            now=now,
        )
        for i in range(40):
            deadline = None if rng.random() < 0.2 else TODAY + dt.timedelta(days=rng.randrange(-5, 6))
            coop = rng.random() < 0.25
            task = add_task(
                session,
                text=f"Việc {i}",
                title=f"Việc số {i} " + "rất dài " * rng.randrange(0, 15),
                leads=[other] if coop else [mine, other][: rng.randrange(1, 3)],
                coops=[mine] if coop else [],
                deadline=deadline,
                deadline_text=None,
                created_by=None,
                now=now,
            )
            part = next(p for p in task.agencies if p.agency_id == mine.id)
            if rng.random() < 0.3:
                session.flush()
                found = task_and_part(session, part.task_id, part.agency_id, person.id, now.date())
                assert found is not None and found[1] is not None
                report_id = record_report(
                    session,
                    part=found[1],
                    person_id=person.id,
                    kind=rng.choice(list(ReportKind)),
                    percent=rng.randrange(0, 101),
                    text="x",
                    evidence=None,
                    now=now - dt.timedelta(hours=rng.randrange(0, 500)),
                )
                assert report_id
            if deadline is not None and rng.random() < 0.2:
                part.deadline = deadline + dt.timedelta(days=rng.randrange(1, 4))  # an approved extension
            if coop:
                part.state = rng.choice([AssignmentState.OPEN, AssignmentState.CANCELLED])
                if rng.random() < 0.3:
                    task.status = TaskStatus.DONE
            else:
                part.state = rng.choice(list(AssignmentState))
                if part.state == AssignmentState.DONE:
                    part.completed_on = TODAY - dt.timedelta(days=rng.randrange(0, 9))
            if rng.random() < 0.2:
                part.state_note = "Trả lại: thiếu hồ sơ"
        session.commit()
        return mine.id


def _same_rows(listed, parts) -> None:
    assert [(r.task.id, r.part.id) for r in listed] == [(p.task.id, p.part.id) for p in parts]
    with use_language("vi"):
        for light, orm in zip(listed, parts, strict=True):
            assert (light.report.id if light.report else None) == orm.part.last_report_id
            for show_agency in (False, True):
                assert part_line(light, TODAY, TZ, show_agency) == part_line(orm, TODAY, TZ, show_agency)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_plain_pages_are_the_orm_pages(app, seed):
    agency_id = _seed(app, seed)
    with app.sessions() as session:
        for limit in (1, 4, 15):
            total = None
            for offset in range(0, 45, limit):
                listed, listed_total = agency_unfinished(session, agency_id, limit, offset)
                parts, parts_total = unfinished_assignments(session, limit, offset, agency_id)
                assert listed_total == parts_total
                total = parts_total
                _same_rows(listed, parts)
                both = agency_lists(session, agency_id, limit, offset, coop_limit=limit)
                assert both.lead_total == total
                assert [(r.task.id, r.part.id) for r in both.leads] == [
                    (r.task.id, r.part.id) for r in listed
                ]
                coops, coop_total = agency_cooperating(session, agency_id, limit)
                assert both.coop_total == coop_total
                assert [r.part.id for r in both.coops] == [r.part.id for r in coops]
            coops, coop_total = agency_cooperating(session, agency_id, limit)
            orm_coops, orm_total = cooperating_parts(session, agency_id, limit)
            assert coop_total == orm_total
            _same_rows(coops, orm_coops)
        assert total  # the seed gave the agency something to list


def test_an_agency_with_nothing_has_empty_lists(app):
    with app.sessions() as session:
        agency = find_agency(session, "STC")
        both = agency_lists(session, agency.id, 15, 0, 10)
        assert (both.leads, both.lead_total, both.coops, both.coop_total) == ([], 0, [], 0)


def test_a_report_writes_what_the_orm_wrote(app, team, clock):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch")
    assert "✅" in team.say("cv-khcn", "/baocao 1 40% Đã có dự thảo")
    clock.advance(hours=1)
    assert "✅" in team.say("cv-khcn", "/hoanthanh 1 Đã ban hành Kế hoạch số 45/KH-UBND")
    with app.sessions() as session:
        person = session.scalar(
            select(PlatformLink.person_id).where(PlatformLink.platform_user_id == "cv-khcn")
        )
        agency = find_agency(session, "KHCN")
        progress, completion = session.scalars(select(Report).order_by(Report.id)).all()
        assert (progress.percent, progress.kind, progress.person_id) == (40, ReportKind.PROGRESS, person)
        assert (completion.percent, completion.kind) == (100, ReportKind.COMPLETION)
        part = session.scalar(select(TaskAgency).where(TaskAgency.agency_id == agency.id))
        assert part.last_report_id == completion.id and part.completion_report_id == completion.id
        assert part.state == AssignmentState.REPORTED
        assert part.received_by_id == person  # the first report said "received", and it stays
        assert part.received_at == clock.now - dt.timedelta(hours=1)
        entries = session.scalars(
            select(AuditLog).where(AuditLog.action.like("report.%")).order_by(AuditLog.id)
        ).all()
        assert [(e.action, e.subject, e.person_id) for e in entries] == [
            ("report.progress", "task:1", person),
            ("report.completion", "task:1", person),
        ]
        assert entries[0].detail == {
            "agency_id": agency.id,
            "agency": agency.name,
            "report_id": progress.id,
            "percent": 40,
        }
    assert any("40%" in text for text in team.inbox("gd-khcn"))  # the head is told, as before
    assert any(f"/xacnhan 1 {agency.code}" in text for text in team.inbox("vanphong"))
    with app.sessions() as session:
        decision = session.scalar(select(Outbox).where(Outbox.kind == "decision"))
        assert [command for _label, command in decision.choices] == [
            f"/xacnhan 1 {agency.code}",
            f"/tralai 1 {agency.code}",
        ]
