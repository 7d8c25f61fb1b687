"""Schedules expanded in the site's zone: across midnight, and on the nights London's
clocks change (29 March 2026 forward, 25 October 2026 back)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from server.domain.patrol.schedule import Series, expand

NIGHT = Series(time(20), time(6), 120, "1234567", 15)


def _utc(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_every_two_hours_through_the_spring_forward_night() -> None:
    windows = expand(NIGHT, "Europe/London", date(2026, 3, 28))
    # 20:00, 22:00, 00:00 GMT; then 02:00, 04:00, 06:00 BST: only 5 h between the last three
    # and the first three, since the night is an hour shorter.
    assert [w.start for w in windows] == [
        _utc(28, 3, 20),
        _utc(28, 3, 22),
        _utc(29, 3, 0),
        _utc(29, 3, 1),
        _utc(29, 3, 3),
        _utc(29, 3, 5),
    ]
    assert all(w.end - w.start == timedelta(minutes=15) for w in windows)
    assert {w.day for w in windows} == {date(2026, 3, 28)}


def test_every_two_hours_through_the_fall_back_night() -> None:
    windows = expand(NIGHT, "Europe/London", date(2026, 10, 24))
    assert [w.start for w in windows] == [
        _utc(24, 10, 19),
        _utc(24, 10, 21),
        _utc(24, 10, 23),
        _utc(25, 10, 2),  # 02:00 GMT: three hours after 00:00 BST
        _utc(25, 10, 4),
        _utc(25, 10, 6),
    ]


def test_a_start_in_the_gap_moves_to_its_end_and_a_doubled_one_takes_the_first() -> None:
    hourly = Series(time(0, 30), time(2, 30), 60, "1234567", 10)
    spring = expand(hourly, "Europe/London", date(2026, 3, 29))
    # 01:30 does not exist that night: the first valid instant is 02:00 BST (01:00 UTC).
    assert [w.start for w in spring] == [_utc(29, 3, 0, 30), _utc(29, 3, 1), _utc(29, 3, 1, 30)]
    autumn = expand(hourly, "Europe/London", date(2026, 10, 25))
    # 01:30 happens twice: the first, in BST, is 00:30 UTC.
    assert [w.start for w in autumn] == [
        _utc(24, 10, 23, 30),
        _utc(25, 10, 0, 30),
        _utc(25, 10, 2, 30),
    ]


def test_weekdays_are_those_of_the_day_a_series_starts() -> None:
    weekends = Series(time(22), time(2), 120, "6", 15)  # Saturday nights only
    saturday, sunday = date(2026, 6, 6), date(2026, 6, 7)
    assert [w.start for w in expand(weekends, "UTC", saturday)] == [
        _utc(6, 6, 22),
        _utc(7, 6, 0),
        _utc(7, 6, 2),
    ]
    assert expand(weekends, "UTC", sunday) == []


def test_validity_and_a_daily_window_past_midnight() -> None:
    bounded = Series(
        time(20), time(20), 60, valid_from=date(2026, 6, 2), valid_until=date(2026, 6, 3)
    )
    assert expand(bounded, "UTC", date(2026, 6, 1)) == []
    assert len(expand(bounded, "UTC", date(2026, 6, 3))) == 1
    daily = Series(time(23), time(23), 1, ends_at=time(1))
    (window,) = expand(daily, "Asia/Shanghai", date(2026, 6, 1))
    assert (window.start, window.end) == (_utc(1, 6, 15), _utc(1, 6, 17))
