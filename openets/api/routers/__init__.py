"""One router module per context. The modules listed in :data:`openets.api.app.ROUTERS` are
mounted under ``/api/v1`` by :func:`openets.api.app.create_app`, in that order; a module may also
define ``setup(services)`` to prepare what it needs (read models, feeds) when the app is made.
Modules whose names start with ``_`` are helpers of the routers and are never mounted."""
