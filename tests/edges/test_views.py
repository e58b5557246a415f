"""Response models built from query views (``web.views.ViewModel``): the view's fields, in its order, all required;
a field declared in the class body replaces the view's; nested views become their models; descriptions reach the
JSON schema; and a route's published views keep the fields their answers always had."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from ippledge.web.money import Yuan
from ippledge.web.views import ViewModel


@dataclasses.dataclass(frozen=True)
class _Line:
    n: int
    note: str | None


@dataclasses.dataclass(frozen=True)
class _Doc:
    id: int
    amount: Decimal
    on: dt.date
    lines: list[_Line]
    first: _Line | None


class _LineOut(ViewModel, view=_Line):
    pass


class _DocOut(ViewModel, view=_Doc, nested={_Line: _LineOut}, descriptions={"on": "the day"}):
    amount: Yuan


def test_fields_follow_the_view_and_the_class_body() -> None:
    assert list(_DocOut.model_fields) == ["id", "amount", "on", "lines", "first"]
    assert all(f.is_required() for f in _DocOut.model_fields.values())
    schema = _DocOut.model_json_schema()
    assert schema["properties"]["on"]["description"] == "the day"
    assert schema["properties"]["lines"]["items"] == {"$ref": "#/$defs/_LineOut"}
    assert "description" not in schema  # no docstring of its own: nothing new in the OpenAPI document


def test_a_view_validates_and_serialises_through_its_model() -> None:
    line = _Line(1, None)
    doc = _Doc(7, Decimal("12.50"), dt.date(2026, 1, 2), [line], line)
    out = _DocOut.model_validate(doc).model_dump(mode="json")
    assert out == {
        "id": 7,
        "amount": "12.50",
        "on": "2026-01-02",
        "lines": [{"n": 1, "note": None}],
        "first": {"n": 1, "note": None},
    }


def test_a_description_of_no_field_is_refused() -> None:
    with pytest.raises(TypeError, match="no field"):

        class _Bad(ViewModel, view=_Line, descriptions={"nope": "x"}):
            pass


def test_published_answers_keep_their_fields() -> None:
    from ippledge.demand.queries import DemandView
    from ippledge.demand.schemas import DemandOut
    from ippledge.gateway.queries import ConsentView
    from ippledge.gateway.schemas import ConsentOut
    from ippledge.outreach.queries import EventView
    from ippledge.outreach.schemas import EventOut
    from ippledge.whitelist.queries import PushView
    from ippledge.whitelist.schemas import PushOut

    for model, view in ((DemandOut, DemandView), (ConsentOut, ConsentView), (EventOut, EventView), (PushOut, PushView)):
        assert list(model.model_fields) == [f.name for f in dataclasses.fields(view)]
