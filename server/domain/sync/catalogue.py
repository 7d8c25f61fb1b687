"""Loads every module that registers ops, so the registry is complete wherever it is used."""

from __future__ import annotations

import importlib

from server.domain.sync.context import OPS, OpContext
from sync.registry import Registry

OP_MODULES = (
    "server.domain.assets.ops",
    "server.domain.work.ops",
    "server.domain.preventive.ops",
    "server.domain.stock.ops",
    "server.domain.stock.count_ops",
    "server.domain.patrol.ops",
    "server.domain.cleaning.ops",
    "server.domain.ratings.ops",
)


def load_ops() -> Registry[OpContext]:
    for module in OP_MODULES:
        importlib.import_module(module)
    return OPS
