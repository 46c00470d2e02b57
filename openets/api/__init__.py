"""The HTTP API under ``/api/v1``: ``create_app(market, settings)`` in :mod:`openets.api.app`,
``run_server`` in :mod:`openets.api.server`."""
