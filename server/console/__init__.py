"""The desk console under /desk (server-rendered, HTMX) and the public asset card at /a/{tag}."""

from litestar import Router

from server.console.admin_reference import REFERENCE_CONTROLLERS
from server.console.admin_users import AdminUsersController
from server.console.assets import AssetConsoleController
from server.console.auth import ConsoleAuthController
from server.console.board import BoardController
from server.console.callbacks import CallbackConsoleController
from server.console.cleaning import CleaningConsoleController
from server.console.conflicts import ConflictConsoleController
from server.console.enquiries import EnquiryConsoleController
from server.console.home import HomeController
from server.console.imports import ImportConsoleController
from server.console.intake import IntakeController
from server.console.labels import LabelConsoleController
from server.console.orders import OrderConsoleController
from server.console.patrol import PatrolConsoleController
from server.console.patrol_routes import PatrolEditorController
from server.console.patrol_verification import VerificationConsoleController
from server.console.people import PeopleConsoleController
from server.console.photos import PhotoConsoleController
from server.console.public_card import PublicCardController
from server.console.ratings import RatingConsoleController
from server.console.reports import ReportConsoleController
from server.console.settlement import SettlementConsoleController
from server.console.stock import StockConsoleController
from server.console.stocktakes import StocktakeConsoleController


def console_router() -> Router:
    return Router(
        path="/desk",
        route_handlers=[
            ConsoleAuthController,
            HomeController,
            AssetConsoleController,
            PeopleConsoleController,
            ConflictConsoleController,
            IntakeController,
            BoardController,
            EnquiryConsoleController,
            OrderConsoleController,
            CallbackConsoleController,
            ReportConsoleController,
            PhotoConsoleController,
            StockConsoleController,
            StocktakeConsoleController,
            LabelConsoleController,
            ImportConsoleController,
            PatrolConsoleController,
            PatrolEditorController,
            VerificationConsoleController,
            CleaningConsoleController,
            RatingConsoleController,
            SettlementConsoleController,
            AdminUsersController,
            *REFERENCE_CONTROLLERS,
        ],
        include_in_schema=False,
    )


def public_router() -> Router:
    return Router(path="/", route_handlers=[PublicCardController], include_in_schema=False)
