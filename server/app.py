"""create_app(): the one factory. Wires the API, the console, the public card and the plugins."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

from litestar import Litestar, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from server.api import api_router
from server.console import console_router, public_router
from server.db.engine import make_engine, make_session_factory
from server.domain.blobs.stores import make_blob_store
from server.domain.cleaning.jobs import cleaning_now
from server.domain.notify import deliver_pending
from server.domain.patrol.jobs import patrol_now
from server.domain.patrol.records import START_RULES
from server.domain.preventive.generation import generate_now
from server.domain.scheduling import Recurring, start_recurring, stop_recurring, worker_name
from server.domain.sync import capture
from server.domain.sync.catalogue import load_ops
from server.domain.sync.maintenance import PURGE_JOB, purge_now
from server.domain.work.sla import check_now
from server.field_app.serving import field_app_router
from server.observability.logs import configure_logging
from server.settings import Settings, load_settings
from server.web import live
from server.web.db import provide_blob_store, provide_db_session, provide_settings
from server.web.errors import EXCEPTION_HANDLERS
from server.web.health import healthz, readyz
from server.web.memory import pace_garbage_collector
from server.web.metrics_route import metrics
from server.web.observe import ObservedApp
from server.web.security import PUBLIC, SESSION_COOKIE, provide_actor
from server.web.state import Runtime

HERE = Path(__file__).resolve().parent
# The largest JSON body any endpoint takes; uploads have their own limits per route.
MAX_BODY_BYTES = 1024 * 1024


@get("/", opt=PUBLIC, include_in_schema=False)
async def root() -> Redirect:
    return Redirect("/desk/")


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    configure_logging(settings.observability.log_format, settings.observability.log_level)
    capture.install()
    load_ops()
    START_RULES.grace = timedelta(minutes=settings.patrol_start_grace_minutes)
    engine = make_engine(settings.database)
    rt = Runtime(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        blobs=make_blob_store(settings),
    )
    live.install()
    channels = live.make_channels(settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        pace_garbage_collector()
        previous_channels = live.attach(channels)
        factory = rt.session_factory
        holder = worker_name()
        jobs = start_recurring(
            factory,
            [
                Recurring(
                    "push-delivery",
                    settings.push.interval_seconds,
                    partial(deliver_pending, factory, settings),
                ),
                Recurring("sla-check", settings.sla_interval_seconds, partial(check_now, factory)),
                Recurring(
                    "pm-generation", settings.pm_interval_seconds, partial(generate_now, factory)
                ),
                Recurring(
                    "patrol-rounds", settings.patrol_interval_seconds, partial(patrol_now, factory)
                ),
                # Routine cleans are made ahead like expected rounds, on the same interval.
                Recurring(
                    "cleaning-tasks",
                    settings.patrol_interval_seconds,
                    partial(cleaning_now, factory),
                ),
                Recurring(
                    PURGE_JOB,
                    settings.change_purge_interval_seconds,
                    partial(
                        purge_now,
                        factory,
                        timedelta(days=settings.change_retention_days),
                        holder,
                    ),
                ),
            ],
            holder,
        )
        try:
            yield
        finally:
            await stop_recurring(jobs)
            live.attach(previous_channels)
            await rt.blobs.close()
            await engine.dispose()

    return ObservedApp(
        route_handlers=[
            healthz,
            readyz,
            metrics,
            root,
            api_router(),
            console_router(),
            public_router(),
            create_static_files_router(
                path="/static", directories=[HERE / "static"], opt=PUBLIC, include_in_schema=False
            ),
            field_app_router(settings.pwa_dir),
        ],
        state=State({"runtime": rt}),
        lifespan=[lifespan],
        dependencies={
            "db_session": Provide(provide_db_session),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "blob_store": Provide(provide_blob_store, sync_to_thread=False),
            "actor": Provide(provide_actor),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[HTMXPlugin(), channels],
        template_config=TemplateConfig(
            directory=HERE / "console" / "templates", engine=JinjaTemplateEngine
        ),
        csrf_config=CSRFConfig(
            secret=settings.auth.secret_key,
            cookie_secure=settings.auth.cookie_secure,
            cookie_httponly=False,
            exclude=["/api/", "/healthz", "/readyz", "/metrics", "/schema"],
        ),
        openapi_config=OpenAPIConfig(
            title="Rounds API", version="1", path="/schema", render_plugins=[SwaggerRenderPlugin()]
        ),
        request_max_body_size=MAX_BODY_BYTES,
        # The root logger is ours (configure_logging): Litestar's lines go through it.
        logging_config=LoggingConfig(
            configure_root_logger=False,
            loggers={"litestar": {"level": settings.observability.log_level, "propagate": True}},
        ),
        debug=settings.debug,
    )


__all__ = ["SESSION_COOKIE", "create_app"]
