"""What `contractor.rate` carries. The rating's id is chosen by the phone, so a retried op
names the same row; the score is checked by the handler (not the schema), so a phone that
sends a 6 hears `score_out_of_range`, a code it can show, rather than `invalid_args`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec


class RateContractor(msgspec.Struct, forbid_unknown_fields=True):
    """`month` is the first day of the month rated: a rating made offline on the 31st
    that reaches the server on the 1st still counts for the month it names."""

    rating_id: uuid.UUID
    contractor_id: uuid.UUID
    department_id: uuid.UUID
    month: date
    score: int
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""
