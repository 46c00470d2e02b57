"""Fixtures of the API tests (see :mod:`liveapi`): ``api`` (one server per test session) and
``fresh_api`` (a server of its own for one test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from liveapi import LiveApi, make_live_api


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with make_live_api(tmp_path_factory.mktemp("api")) as live:
        yield live


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[LiveApi]:
    with make_live_api(tmp_path) as live:
        yield live
