"""Sign-in for the field app: tokens bound to a device, rotated on refresh."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from server.domain.accounts import service
from server.domain.accounts.policy import Permission
from server.domain.accounts.schemas import LoginRequest, RefreshRequest, TokenPair, UserOut
from server.errors import Unauthenticated
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import PUBLIC, bearer_token, requires


def client_address(request: Request) -> str:  # type: ignore[type-arg]
    return request.client.host if request.client else ""


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/login", opt=PUBLIC, status_code=HTTP_200_OK)
    async def login(
        self,
        data: JSONBody[LoginRequest],
        db_session: DbSession,
        settings: AppSettings,
        request: Request,  # type: ignore[type-arg]
    ) -> TokenPair:
        """Sign in with employee number and password; registers the phone as a device."""
        return await service.login(db_session, settings.auth, data, client_address(request))

    @post("/refresh", opt=PUBLIC, status_code=HTTP_200_OK)
    async def refresh(
        self, data: JSONBody[RefreshRequest], db_session: DbSession, settings: AppSettings
    ) -> TokenPair:
        """Spend a refresh token for a new pair. A token presented twice revokes its family."""
        return await service.refresh(db_session, settings.auth, data.refresh_token)

    @post("/logout", guards=requires(Permission.READ_REFERENCE), status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request, db_session: DbSession, settings: AppSettings) -> None:  # type: ignore[type-arg]
        """Revoke this device's session: its access and refresh tokens stop working at once."""
        token = bearer_token(request)
        if token is None:
            raise Unauthenticated("Logout needs the bearer token of the session to end.")
        await service.logout_device(db_session, token, settings.auth)

    @get("/me", guards=requires(Permission.READ_REFERENCE))
    async def me(self, actor: CurrentActor) -> UserOut:
        """Who the token belongs to, with roles and scope."""
        return service.user_out(actor)
