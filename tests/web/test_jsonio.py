"""The fast JSON writer gives what FastAPI's encoder would, and refuses what it cannot write."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from fastapi.encoders import jsonable_encoder

from greenroom.web.jsonio import json_response


def test_same_as_fastapis_encoder() -> None:
    data = {"d": dt.date(2024, 2, 29), "t": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "n": None,
            "x": [1, "a", True], "m": Decimal("1.25")}
    response = json_response(data)
    assert response.media_type == "application/json"
    assert json.loads(response.body) == jsonable_encoder(data) | {"m": "1.25"}


def test_refuses_unknown_types() -> None:
    with pytest.raises(TypeError, match="set"):
        json_response({"s": {1, 2}})
