"""The nudge ladder of one deadline: which step is due on which day.

Defaults (product.md): 7 and 3 calendar days before, 1 working day before, the morning of the day; then
the first working day after and every 3 working days while the task is open; from 7 days late the
nudge is also an escalation. A step on a day off moves to the working day before; steps that land on
the same day merge into one (the most urgent names it).
"""

import datetime as dt
from dataclasses import dataclass

from dondoc.nudges.workdays import WorkCalendar

BEFORE_STEPS = ("before", "due")


@dataclass(frozen=True)
class NudgePolicy:
    before_days: tuple[int, ...] = (7, 3)  # calendar days before the deadline
    working_days_before: int = 1
    late_every: int = 3  # working days between late nudges
    escalate_after: int = 7  # calendar days late
    hour: int = 8
    skip_after_report: bool = True  # a report since the last nudge skips the next "before" step
    periodic: str = "monthly"  # report requests for undated tasks: monthly, quarterly or off


@dataclass(frozen=True)
class Step:
    name: str  # before7, before3, before1wd, due, late1, late2, …
    send_on: dt.date
    escalate: bool = False

    @property
    def is_before(self) -> bool:
        return self.name.startswith(BEFORE_STEPS)


def before_steps(deadline: dt.date, calendar: WorkCalendar, policy: NudgePolicy) -> list[Step]:
    """The steps up to the deadline, merged by send day, in date order."""
    raw = [
        Step(f"before{days}", calendar.on_or_before(deadline - dt.timedelta(days=days)))
        for days in sorted(policy.before_days, reverse=True)
    ]
    if policy.working_days_before:
        raw.append(
            Step(
                f"before{policy.working_days_before}wd", calendar.before(deadline, policy.working_days_before)
            )
        )
    raw.append(Step("due", calendar.on_or_before(deadline)))
    merged: dict[dt.date, Step] = {}
    for step in raw:  # later (more urgent) steps replace earlier ones on the same day
        merged[step.send_on] = step
    return sorted(merged.values(), key=lambda s: s.send_on)


def first_late_day(deadline: dt.date, calendar: WorkCalendar) -> dt.date:
    return calendar.after(deadline)


def latest_step(deadline: dt.date, day: dt.date, calendar: WorkCalendar, policy: NudgePolicy) -> Step | None:
    """The newest step due on or before `day` (what a bot that was down is still owed)."""
    first = first_late_day(deadline, calendar)
    if day >= first:
        rounds = calendar.working_days_between(first, day) // policy.late_every
        send_on = calendar.after(first, rounds * policy.late_every) if rounds else first
        return Step(f"late{rounds + 1}", send_on, (send_on - deadline).days >= policy.escalate_after)
    due = [s for s in before_steps(deadline, calendar, policy) if s.send_on <= day]
    return due[-1] if due else None
