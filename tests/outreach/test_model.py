"""Event rules without a database (对接活动规则): what makes an event invalid, when sign-ups close, when it is full,
when attendance may be recorded."""

from __future__ import annotations

import datetime as dt

from ippledge.outreach import model

TODAY = dt.date(2025, 6, 3)


def test_event_problems_list_every_bad_part() -> None:
    assert model.event_problems("路演", TODAY, 10, [1], TODAY) == []
    bad = model.event_problems(" ", TODAY - dt.timedelta(days=1), 0, [], TODAY)
    assert [p[0] for p in bad] == ["title", "held_on", "capacity", "bank_ids"]
    assert model.event_problems("x", TODAY, model.MAX_CAPACITY + 1, [1], TODAY)[0][0] == "capacity"


def test_sign_up_window_capacity_and_attendance() -> None:
    held = dt.date(2025, 6, 10)
    assert not model.signup_closed(held, held)  # the day itself is still open
    assert model.signup_closed(held, held + dt.timedelta(days=1))
    assert not model.is_full(1, 2) and model.is_full(2, 2)
    assert not model.held(held, held - dt.timedelta(days=1)) and model.held(held, held)
