"""Reference docs generated from the code, so they cannot drift from it."""

from __future__ import annotations

from server.errors import OP_REFUSALS, error_catalogue


def errors_markdown() -> str:
    lines = [
        "# Error codes",
        "",
        "Generated from `server/errors.py` by `make docs`; a test keeps this file current.",
        "Every API error is a problem document (`application/problem+json`) with these fields:",
        "`type`, `title`, `status`, `code`, `detail`, and sometimes `errors` (field problems)",
        "or other keys named in the detail. A client acts on `code`, which never changes meaning.",
        "",
        "| code | HTTP status | meaning |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| `{code}` | {status} | {title} |" for code, (status, title) in error_catalogue().items()
    ]
    lines += [
        "",
        "## Codes of refused ops",
        "",
        "A pushed op that is `rejected` or a `conflict` carries a `code` in its push result and",
        "in the device's inbox (`GET /api/v1/sync/inbox`): one of these, or the code of one of the",
        "errors above that its handler met (`invalid_transition`, `not_assignee` ...). The field",
        "app shows its own words for each (pwa/src/app/messages/).",
        "",
        "| code | meaning |",
        "| --- | --- |",
    ]
    lines += [f"| `{code}` | {meaning} |" for code, meaning in sorted(OP_REFUSALS.items())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(errors_markdown(), end="")
