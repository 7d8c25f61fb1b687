"""Console languages: English and Simplified Chinese, picked from the browser or a cookie.

Messages live in one catalogue so a missing translation is a failing test, not a blank.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection

LANG_COOKIE = "rounds_lang"
LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "app.name": {"en": "Rounds", "zh": "Rounds 后勤运维"},
    "login.title": {"en": "Sign in", "zh": "登录"},
    "login.employee_no": {"en": "Employee number", "zh": "工号"},
    "login.password": {"en": "Password", "zh": "密码"},
    "login.submit": {"en": "Sign in", "zh": "登录"},
    "login.failed": {"en": "Wrong employee number or password.", "zh": "工号或密码错误。"},
    "nav.home": {"en": "Home", "zh": "首页"},
    "nav.assets": {"en": "Assets", "zh": "设备台账"},
    "nav.people": {"en": "People", "zh": "人员"},
    "nav.logout": {"en": "Sign out", "zh": "退出"},
    "nav.language": {"en": "中文", "zh": "English"},
    "error.title": {"en": "Something is not right", "zh": "出错了"},
    "error.back": {"en": "Back to the home page", "zh": "返回首页"},
}


def pick_language(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    chosen = connection.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    header = connection.headers.get("accept-language", "")
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES:
            ranked.append((quality, primary))
    return max(ranked)[1] if ranked else DEFAULT_LANGUAGE


def translator(language: str) -> Callable[..., str]:
    def translate(key: str, **values: Any) -> str:
        entry = MESSAGES.get(key)
        text = entry.get(language) or entry[DEFAULT_LANGUAGE] if entry else key
        return text.format(**values) if values else text

    return translate
