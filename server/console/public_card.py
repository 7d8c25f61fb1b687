"""The public asset card at /a/{tag}: what anyone who scans an asset's QR label may read.

It needs no sign-in (a visitor or a nurse on a ward phone reports faults from it), so it
shows only the `PublicCard` fields and never resolves the caller's session. Search
engines are told not to index it: a card names where equipment is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from scanners.tags import normalise_tag
from server.console.pages import render
from server.domain.assets import service as assets
from server.errors import NotFound
from server.web.deps import DbSession
from server.web.security import PUBLIC

JSON = "application/json"
HTML = "text/html"
# Not indexed, and caches keep the HTML and JSON answers apart.
CARD_HEADERS = {"X-Robots-Tag": "noindex", "Vary": "Accept, Accept-Language, Cookie"}


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.accept.best_match([HTML, JSON], default=HTML) == JSON


def _not_found(request: Request[Any, Any, Any], tag: str) -> Response[Any]:
    if _wants_json(request):
        problem = {
            "type": "about:blank#not_found",
            "title": "Not found",
            "status": 404,
            "code": "not_found",
            "detail": "No asset carries this tag.",
        }
        return Response(
            problem, status_code=404, media_type="application/problem+json", headers=CARD_HEADERS
        )
    return render(request, "public/unknown.html", status=404, headers=CARD_HEADERS, tag=tag)


class PublicCardController(Controller):
    path = "/a"

    @get("/{tag:str}", opt=PUBLIC)
    async def card(
        self, request: Request[Any, Any, Any], tag: FromPath[str], db_session: DbSession
    ) -> Response[Any]:
        code = normalise_tag(tag)
        if code is None:
            return _not_found(request, tag)
        try:
            card = await assets.public_card(db_session, code, date.today())
        except NotFound:
            return _not_found(request, code)
        if _wants_json(request):
            return Response(card, media_type=JSON, headers=CARD_HEADERS)
        return render(request, "public/card.html", headers=CARD_HEADERS, card=card)
