"""The console's message catalogue: every string the templates ask for exists in both languages."""

from __future__ import annotations

import re
import string
from enum import StrEnum
from pathlib import Path

from server.console.i18n import LANGUAGES, MESSAGES, translator
from server.db.models import AssetStatus, LineBilling, Role, WorkOrderKind, WorkOrderStatus

TEMPLATES = Path(__file__).resolve().parents[2] / "server" / "console" / "templates"
LITERAL_KEY = re.compile(r"""\bt\(\s*'([a-z_.]*[a-z_])'\s*[,)]""")
PREFIX_KEY = re.compile(r"""\bt\(\s*'([a-z_]+\.)'\s*~""")
# Keys built in templates from an enum value: the prefix and every value it can take.
DYNAMIC: dict[str, type[StrEnum]] = {
    "role.": Role,
    "wo_status.": WorkOrderStatus,
    "wo_kind.": WorkOrderKind,
    "asset_status.": AssetStatus,
    "billing.": LineBilling,
}


def _template_sources() -> list[str]:
    return [path.read_text() for path in sorted(TEMPLATES.rglob("*.html"))]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_literal_key_in_the_templates_is_in_the_catalogue() -> None:
    used = {key for source in _template_sources() for key in LITERAL_KEY.findall(source)}
    assert used, "no t('...') calls found: has the template folder moved?"
    assert sorted(used - MESSAGES.keys()) == []


def test_every_key_built_from_an_enum_is_in_the_catalogue() -> None:
    prefixes = {key for source in _template_sources() for key in PREFIX_KEY.findall(source)}
    assert prefixes <= DYNAMIC.keys()
    missing = [
        f"{prefix}{member.value}"
        for prefix in prefixes
        for member in DYNAMIC[prefix]
        if f"{prefix}{member.value}" not in MESSAGES
    ]
    assert missing == []


def test_each_message_has_every_language_with_the_same_placeholders() -> None:
    broken = [
        key
        for key, entry in MESSAGES.items()
        if set(entry) != set(LANGUAGES)
        or not all(text.strip() for text in entry.values())
        or _fields(entry["zh"]) != _fields(entry["en"])
    ]
    assert broken == []


def test_chinese_messages_are_chinese() -> None:
    """A copied English string in the zh column is a missed translation."""
    untranslated = [
        key
        for key, entry in MESSAGES.items()
        if not re.search(r"[\u4e00-\u9fff]", entry["zh"]) and key != "nav.language"
    ]
    assert untranslated == []


def test_translator_formats_values_and_falls_back_to_the_key() -> None:
    assert translator("zh")("home.greeting", name="王芳") == "王芳，您好"
    assert translator("en")("pager.showing", first=1, last=50, total=200) == "1–50 of 200"
    assert translator("zh")("no.such.key") == "no.such.key"
