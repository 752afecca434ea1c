"""Working-day arithmetic for repair due dates (pure: no database).

`calendar` is servicedesk's BusinessCalendar (`is_working_day` knows weekends, public
holidays and make-up working days from the admin-corrected calendar data).
"""

from datetime import date, timedelta

THIRD_PARTY_WORKING_DAYS = 15  # §6.2.1: third-party repairs return within 15 working days
PROGRESS_EVERY_WORKING_DAYS = 3  # §6.3.3: in-warranty progress in writing every 3 working days


def add_working_days(calendar, start: date, days: int) -> date:
    """The `days`-th working day after `start` (the sending day itself does not count)."""
    if days < 1:
        raise ValueError("days must be positive")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def second_weekend_deadline(calendar, sent: date) -> date:
    """The last working day before the second weekend after `sent` (§6.3.3: "送修后第二个
    周末前 … 送抵最终用户现场").

    Weekends are counted by their Saturday, strictly after the sending day; a weekend
    counts if at least one of its days is a day off (a weekend turned wholly into make-up
    working days is no weekend). The deadline is the last working day before that second
    weekend's first day off, so a make-up Saturday still counts for delivery.
    """
    day = sent + timedelta(days=(5 - sent.weekday()) % 7 or 7)  # the next Saturday
    found = 0
    while True:
        weekend = (day, day + timedelta(days=1))
        days_off = [d for d in weekend if not calendar.is_working_day(d)]
        if days_off:
            found += 1
            if found == 2:
                deadline = days_off[0] - timedelta(days=1)
                while not calendar.is_working_day(deadline):
                    deadline -= timedelta(days=1)
                return deadline
        day += timedelta(days=7)


def progress_points(calendar, sent: date, until: date) -> list[date]:
    """The in-warranty progress-report dates after `sent`, up to and including `until`."""
    points, day = [], sent
    while True:
        day = add_working_days(calendar, day, PROGRESS_EVERY_WORKING_DAYS)
        if day > until:
            return points
        points.append(day)
