"""The administration pages build message keys from their kinds and fields
('admin.kind.' ~ plural, 'admin.field.' ~ name): each of them exists in both languages."""

from __future__ import annotations

from server.console.admin_reference import COLUMNS, FORMS
from server.console.i18n import MESSAGES
from server.db.models import AssetStatus, LocationKind
from server.domain.admin.reference import KINDS


def test_every_kind_field_and_choice_of_the_reference_screens_has_its_words() -> None:
    assert FORMS.keys() == KINDS.keys() == COLUMNS.keys()
    wanted = {f"admin.kind.{plural}" for plural in FORMS}
    wanted |= {f"admin.field.{name}" for fields in FORMS.values() for name, _ in fields}
    wanted |= {f"admin.field.{name}" for columns in COLUMNS.values() for name in columns}
    wanted |= {f"admin.location_kind.{kind.value}" for kind in LocationKind}
    wanted |= {f"asset_status.{status.value}" for status in AssetStatus}
    missing = sorted(key for key in wanted if key not in MESSAGES)
    assert missing == []
