"""The counts the database keeps per agency (`agency_tally`, kept by triggers on task_agency) agree with
counting every assignment — through every change an assignment goes through, by chat command, store
function or plain SQL, on any day asked about — on SQLite and on PostgreSQL."""

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, delete, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from dondoc.store import assignments
from dondoc.store.db import alembic_config
from dondoc.store.models import (
    Agency,
    AgencyRole,
    AgencyTally,
    AssignmentState,
    ExtensionRequest,
    Person,
    Task,
    TaskAgency,
)
from dondoc.store.tasks import AgencyCounts, add_part, add_task, agency_counts, mark_received
from tests.conftest import ON_POSTGRES, TZ, database_at

D0 = dt.date(2026, 3, 2)  # the clock's first day (conftest)
DAYS = (D0 - dt.timedelta(days=40), D0, D0 + dt.timedelta(days=3), D0 + dt.timedelta(days=30), D0)
TRIGGERS = {"task_agency_tally_insert", "task_agency_tally_update", "task_agency_tally_delete"}


def counted(session: Session, today: dt.date, soon_days: int = 7) -> dict[int, AgencyCounts]:
    """The reference: every lead assignment counted, as the summary did before the tallies."""
    is_open = TaskAgency.state == AssignmentState.OPEN
    done = TaskAgency.state == AssignmentState.DONE
    query = (
        select(
            TaskAgency.agency_id,
            func.count().filter(is_open),
            func.count().filter(is_open, TaskAgency.deadline < today),
            func.count().filter(
                is_open,
                TaskAgency.deadline >= today,
                TaskAgency.deadline <= today + dt.timedelta(days=soon_days),
            ),
            func.count().filter(TaskAgency.state == AssignmentState.REPORTED),
            func.count().filter(TaskAgency.state == AssignmentState.DONE),
            func.count().filter(is_open, TaskAgency.received_at.is_(None)),
            func.count().filter(done, TaskAgency.completed_on <= TaskAgency.deadline),
            func.count().filter(done, TaskAgency.completed_on > TaskAgency.deadline),
            func.count().filter(TaskAgency.deadline.is_(None)),
        )
        .where(TaskAgency.role == AgencyRole.LEAD, TaskAgency.state != AssignmentState.CANCELLED)
        .group_by(TaskAgency.agency_id)
    )
    return {row[0]: AgencyCounts(*row) for row in session.execute(query).all()}


def check(sessions, days=DAYS) -> None:
    """agency_counts equals the reference for each day (moving the tallies on, or back without writing),
    for all agencies and for each alone, in one transaction committed as a handler's would be."""
    with sessions() as session:
        for day in days:
            expected = counted(session, day)
            assert agency_counts(session, day) == expected, day
            for agency_id, counts in expected.items():
                assert agency_counts(session, day, [agency_id]) == {agency_id: counts}
            assert agency_counts(session, day, soon_days=2) == counted(session, day, soon_days=2), day
        session.commit()


def test_counts_stay_right_through_every_office_and_agency_command(app, team, clock):
    team.join("gd-stp", "STP", "head")
    office = "vanphong"
    team.say(office, "/giao KHCN; STC | 10/3/2026 | Hai cơ quan chủ trì | STP")  # 1
    team.say(office, "/giao STC | 5/3/2026 | Bố trí kinh phí")  # 2
    team.say(office, "/giao KHCN | thường xuyên | Báo cáo định kỳ")  # 3, undated
    team.say(office, "/giao STP | 3/3/2026 | Thẩm định | KHCN")  # 4
    check(app.sessions)
    steps = [
        ("cv-khcn", "/danhan 1"),  # received
        ("gd-stc", "/hoanthanh 1 Quyết định 12/QĐ-STC"),  # reported
        (office, "/tralai 1 STC Chưa nêu sản phẩm cụ thể"),  # returned: open again
        ("gd-stc", "/hoanthanh 1 Quyết định 13/QĐ-STC"),
        (office, "/xacnhan 1 STC"),  # done
        ("gd-stc", "/giahan 2 25/3/2026 Chờ số liệu"),
        (office, "/duyet 2"),  # extension approved: the deadline moves
        ("gd-stp", "/giahan 4 30/3/2026 Chờ hồ sơ"),
        (office, "/tuchoi 4 Không đủ lý do"),  # refused: nothing moves
        (office, "/sua 1 hạn 20/3/2026"),  # a deadline edit of every unfinished part
        (office, "/sua 4 chutri +KHCN"),  # a cooperating agency made a lead
        (office, "/sua 4 chutri -KHCN"),  # a lead taken off (cancelled)
        (office, "/sua 4 chutri +KHCN"),  # and put back (reopened)
        (office, "/huy 4 KHCN Không còn phù hợp"),  # one agency's part cancelled
        ("gd-khcn", "/hoanthanh 3 Báo cáo 5/BC-SKHCN"),
        (office, "/xacnhan 3"),
        (office, "/huy 2 Đã được thay thế"),  # a whole task cancelled
    ]
    for user, command_text in steps:
        team.say(user, command_text)
        check(app.sessions)
        if command_text == "/sua 4 chutri +KHCN":  # each time, KHCN leads task 4 and its part is open
            with app.sessions() as session:
                khcn = session.scalar(
                    select(TaskAgency.state)
                    .join(Agency, Agency.id == TaskAgency.agency_id)
                    .where(TaskAgency.task_id == 4, Agency.code == "SKHCN", TaskAgency.role == "lead")
                )
            assert khcn == AssignmentState.OPEN
    with app.sessions() as session:  # every step did what it says
        parts = session.execute(
            select(TaskAgency.task_id, Agency.code, TaskAgency.role, TaskAgency.state, TaskAgency.deadline)
            .join(Agency, Agency.id == TaskAgency.agency_id)
            .order_by(TaskAgency.task_id, Agency.code)
        ).all()
        decisions = session.scalars(select(ExtensionRequest.status).order_by(ExtensionRequest.id)).all()
    assert [tuple(p) for p in parts] == [
        (1, "SKHCN", "lead", "open", dt.date(2026, 3, 20)),
        (1, "STC", "lead", "done", dt.date(2026, 3, 10)),
        (1, "STP", "coop", "open", dt.date(2026, 3, 20)),
        (2, "STC", "lead", "cancelled", dt.date(2026, 3, 25)),
        (3, "SKHCN", "lead", "done", None),
        (4, "SKHCN", "lead", "cancelled", dt.date(2026, 3, 3)),
        (4, "STP", "lead", "open", dt.date(2026, 3, 3)),
    ]
    assert decisions == ["approved", "refused"]
    # The clock moves on past the days checked: the first count of each day moves the tallies on.
    for days in (31, 1, 6):
        clock.advance(days=days)
        today = clock.now.date()
        summary = team.say(office, "/tonghop")
        with app.sessions() as session:
            expected = counted(session, today)
            assert f"quá hạn: {sum(c.overdue for c in expected.values())}" in summary
            kept = session.execute(select(AgencyTally.as_of)).scalars().all()
        assert set(kept) == {today}
        check(app.sessions, (today, today - dt.timedelta(days=2), today))


def _people_and_agencies(session: Session) -> tuple[Person, list[Agency]]:
    agencies = list(session.scalars(select(Agency).order_by(Agency.id).limit(6)))
    person = session.scalars(select(Person)).first()
    assert person is not None
    return person, agencies


ACTIONS = {
    AssignmentState.OPEN: ["report", "cancel", "extend"],
    AssignmentState.REPORTED: ["confirm", "return", "cancel"],
    AssignmentState.DONE: [],
    AssignmentState.CANCELLED: ["reopen"],
}


def test_counts_stay_right_through_random_changes_of_the_store(app, clock):
    """Every store function that changes an assignment, and plain attribute changes, in a random order."""
    pick = random.Random(2026)
    now = clock.now
    with app.sessions() as session:
        person, agencies = _people_and_agencies(session)
        for n in range(30):
            leads = pick.sample(agencies, pick.choice((1, 1, 2)))
            coops = [a for a in pick.sample(agencies, pick.choice((0, 1))) if a not in leads]
            deadline = None if n % 7 == 0 else D0 + dt.timedelta(days=pick.randint(-20, 40))
            task = add_task(
                session,
                text=f"Nhiệm vụ {n}",
                title=f"Nhiệm vụ {n}",
                leads=leads,
                coops=coops,
                deadline=deadline,
                deadline_text=None,
                created_by=person,
                now=now,
            )
            for part in task.agencies:  # assignments in every state to start from
                if part.role == AgencyRole.LEAD:
                    part.state = pick.choice(list(AssignmentState))
        session.commit()
    check(app.sessions)

    def today_of(moment: dt.datetime) -> dt.date:
        return moment.astimezone(TZ).date()

    done: Counter[str] = Counter()
    for step in range(120):
        with app.sessions() as session:
            parts = list(session.scalars(select(TaskAgency).order_by(TaskAgency.id)))
            state = pick.choice(sorted({p.state for p in parts}))  # each state as often as the others
            part = pick.choice([p for p in parts if p.state == state])
            task = session.get(Task, part.task_id)
            action = pick.choice([*ACTIONS[part.state] * 3, "deadline", "received", "role"])
            done[action] += 1
            if action == "report" and part.state == AssignmentState.OPEN:
                _a_completion(session, part, person_id=1, now=now)
            elif action == "confirm" and part.state == AssignmentState.REPORTED:
                assignments.confirm(session, task, part, None, now, today_of)
            elif action == "return" and part.state == AssignmentState.REPORTED:
                assignments.return_report(part, "Chưa đạt")
            elif action == "cancel" and part.state != AssignmentState.CANCELLED:
                assignments.cancel(session, part, None, "Không còn phù hợp", now)
            elif action == "reopen" and part.state == AssignmentState.CANCELLED:
                assignments.reopen(session, task, part, now)
            elif action == "extend" and part.state == AssignmentState.OPEN:
                new_deadline = D0 + dt.timedelta(days=pick.randint(0, 60))
                request = assignments.request_extension(
                    session, part, session.get(Person, 1), new_deadline, "Chờ số liệu", now
                )
                assignments.approve_extension(request, part, None, now)
            elif action == "deadline":
                part.deadline = pick.choice([None, D0 + dt.timedelta(days=pick.randint(-30, 30))])
            elif action == "received":
                if not mark_received(part, session.get(Person, 1), now):
                    part.received_at = None
            elif action == "role":
                part.role = AgencyRole.COOP if part.role == AgencyRole.LEAD else AgencyRole.LEAD
            session.commit()
        if step % 10 == 9:
            check(app.sessions)
    check(app.sessions)
    assert min(done.values()) >= 3 and len(done) == 9, done


def _a_completion(session: Session, part: TaskAgency, person_id: int, now: dt.datetime) -> None:
    """A lead's completion report, written as /hoanthanh writes it (the part becomes `reported`)."""
    from dondoc.store.models import ReportKind
    from dondoc.store.tasks import record_report, task_and_part

    found = task_and_part(session, part.task_id, part.agency_id, person_id, now.date())
    assert found is not None and found[1] is not None
    record_report(
        session,
        part=found[1],
        person_id=person_id,
        kind=ReportKind.COMPLETION,
        percent=100,
        text="Đã xong",
        evidence=None,
        now=now,
    )
    session.expire(part)  # written by statements, not through the object


def test_counts_stay_right_through_plain_sql(app, clock):
    """Bulk statements the ORM does not see (imports, scripts, repairs) keep the tallies right too."""
    now = clock.now
    with app.sessions() as session:
        person, agencies = _people_and_agencies(session)
        for n in range(6):
            add_task(
                session,
                text=f"Nhiệm vụ {n}",
                title=f"Nhiệm vụ {n}",
                leads=[agencies[n % 3]],
                coops=[agencies[3]],
                deadline=D0 + dt.timedelta(days=n * 3 - 6),
                deadline_text=None,
                created_by=person,
                now=now,
            )
        session.commit()
    check(app.sessions)
    ids = [a.id for a in agencies]
    statements = [
        update(TaskAgency).values(received_at=now),
        update(TaskAgency).where(TaskAgency.task_id == 1).values(state=AssignmentState.DONE),
        update(TaskAgency)
        .where(TaskAgency.task_id == 2, TaskAgency.role == AgencyRole.LEAD)
        .values(agency_id=ids[5]),
        update(TaskAgency).where(TaskAgency.task_id == 3).values(deadline=D0 + dt.timedelta(days=2)),
        update(TaskAgency).where(TaskAgency.role == AgencyRole.COOP).values(role=AgencyRole.LEAD),
        insert(TaskAgency).values(
            task_id=4, agency_id=ids[4], role=AgencyRole.LEAD, state=AssignmentState.OPEN, deadline=D0
        ),
        update(TaskAgency).where(TaskAgency.task_id == 5).values(state=AssignmentState.REPORTED),
        delete(TaskAgency).where(TaskAgency.task_id == 6, TaskAgency.role == AgencyRole.LEAD),
        delete(Task).where(Task.id == 3),  # its parts go with it (ON DELETE CASCADE)
    ]
    for statement in statements:
        with app.sessions() as session:
            session.execute(statement)
            session.commit()
        check(app.sessions)


def test_a_day_moves_the_tallies_on_once_and_other_days_are_read_without_writing(app, clock):
    with app.sessions() as session:
        person, agencies = _people_and_agencies(session)
        for n in range(10):
            add_task(
                session,
                text=f"Nhiệm vụ {n}",
                title=f"Nhiệm vụ {n}",
                leads=[agencies[n % 2]],
                coops=[],
                deadline=D0 + dt.timedelta(days=n),
                deadline_text=None,
                created_by=person,
                now=clock.now,
            )
        session.commit()

    def kept() -> set[tuple[dt.date | None, dt.date | None]]:
        with app.sessions() as session:
            return set(session.execute(select(AgencyTally.as_of, AgencyTally.soon_until)).all())

    assert kept() == {(None, None)}  # nothing counted for a day yet
    check(app.sessions, [D0 + dt.timedelta(days=4)])
    assert kept() == {(D0 + dt.timedelta(days=4), D0 + dt.timedelta(days=11))}
    check(app.sessions, [D0 + dt.timedelta(days=1), D0 - dt.timedelta(days=5)])  # earlier days: read only
    assert kept() == {(D0 + dt.timedelta(days=4), D0 + dt.timedelta(days=11))}
    with app.sessions() as session:  # changes while the tallies are for day 4, each side of it
        session.execute(update(TaskAgency).where(TaskAgency.task_id.in_([2, 9])).values(deadline=D0))
        session.execute(update(TaskAgency).where(TaskAgency.task_id == 4).values(state="done"))
        session.commit()
    check(app.sessions, [D0 + dt.timedelta(days=4), D0 + dt.timedelta(days=9), D0])
    assert kept() == {(D0 + dt.timedelta(days=9), D0 + dt.timedelta(days=16))}
    with app.sessions() as session:
        row = session.execute(select(AgencyTally).where(AgencyTally.agency_id == agencies[0].id)).scalar_one()
        expected = counted(session, D0 + dt.timedelta(days=9))[agencies[0].id]
        assert (row.overdue, row.due_soon) == (expected.overdue, expected.due_soon)


def test_the_schema_has_the_triggers(engine):
    if ON_POSTGRES:
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'task_agency'::regclass AND NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'task_agency'"
    with engine.connect() as connection:
        assert set(connection.execute(text(query)).scalars()) == TRIGGERS
        assert "agency_tally" in inspect(connection).get_table_names()


SCHEMA = "tally_check"


@pytest.fixture
def engine_at_0005(tmp_path) -> Iterator[Engine]:
    """An empty database migrated to 0005 only."""
    with database_at("0005", tmp_path, SCHEMA) as engine:
        yield engine


def test_the_migration_counts_the_assignments_there_are_and_goes_back(engine_at_0005):
    now = dt.datetime(2026, 2, 2, 2, 0, tzinfo=dt.UTC)
    # Written with the tables as they are at 0005 (reflected), not with the models of today.
    tables = MetaData()
    tables.reflect(engine_at_0005, only=["agency", "task", "task_agency"])
    states = list(AssignmentState)
    with engine_at_0005.begin() as connection:
        for i in range(3):
            connection.execute(
                tables.tables["agency"].insert(),
                {
                    "id": i + 1,
                    "code": f"A{i}",
                    "name": f"Cơ quan {i}",
                    "kind": "department",
                    "active": True,
                    "created_at": now,
                },
            )
        for n in range(24):
            deadline = D0 + dt.timedelta(days=n - 12)
            connection.execute(
                tables.tables["task"].insert(),
                {
                    "id": n + 1,
                    "title": f"Nhiệm vụ {n}",
                    "text": f"Nhiệm vụ {n}",
                    "deadline": deadline,
                    "status": "open",
                    "created_at": now,
                },
            )
            parts = [(n % 3 + 1, "lead")] + ([((n + 1) % 3 + 1, "coop")] if n % 4 == 0 else [])
            for agency_id, role in parts:
                lead = role == "lead"
                connection.execute(
                    tables.tables["task_agency"].insert(),
                    {
                        "task_id": n + 1,
                        "agency_id": agency_id,
                        "role": role,
                        "state": states[n % 4].value if lead else "open",
                        "deadline": deadline,
                        "original_deadline": deadline,
                        "received_at": now if lead and n % 3 else None,
                        "created_at": now,
                    },
                )
    config = alembic_config(engine_at_0005)
    command.upgrade(config, "head")
    check(lambda: Session(engine_at_0005))
    command.downgrade(config, "0005")
    with engine_at_0005.connect() as connection:
        assert "agency_tally" not in inspect(connection).get_table_names()
    command.upgrade(config, "head")
    with Session(engine_at_0005) as session:  # the triggers are back
        add_part(session, session.get(Task, 1), session.get(Agency, 3), AgencyRole.LEAD, now)
        session.commit()
    check(lambda: Session(engine_at_0005))


@pytest.mark.skipif(not ON_POSTGRES, reason="on SQLite one transaction writes at a time")
def test_a_count_does_not_wait_for_a_transaction_changing_an_agency(app, clock):
    """PostgreSQL: moving the tallies on skips the row another transaction holds, and counts it anyway."""
    with app.sessions() as session:
        person, agencies = _people_and_agencies(session)
        for n in range(4):
            add_task(
                session,
                text=f"Nhiệm vụ {n}",
                title=f"Nhiệm vụ {n}",
                leads=[agencies[n % 2]],
                coops=[],
                deadline=D0 + dt.timedelta(days=n),
                deadline_text=None,
                created_by=person,
                now=clock.now,
            )
        session.commit()
    check(app.sessions, [D0])
    busy = agencies[0].id
    with app.sessions() as writer, app.sessions() as reader:
        writer.execute(update(TaskAgency).where(TaskAgency.task_id == 1).values(state="reported"))
        reader.execute(text("SET LOCAL lock_timeout = '2s'"))
        day = D0 + dt.timedelta(days=2)
        expected = counted(reader, day)
        assert agency_counts(reader, day) == expected
        reader.commit()
        kept = dict(reader.execute(select(AgencyTally.agency_id, AgencyTally.as_of)).all())
        assert kept[busy] == D0 and kept[agencies[1].id] == day
        writer.commit()
    check(app.sessions, [D0 + dt.timedelta(days=2), D0 + dt.timedelta(days=3)])
