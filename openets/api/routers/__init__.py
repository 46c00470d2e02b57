"""One router module per context. Every module here that defines ``router`` (an APIRouter) is
mounted under ``/api/v1`` by :func:`openets.api.app.create_app`, in name order; a module may also
define ``setup(services)`` to prepare what it needs (read models, feeds) when the app is made.
Modules whose names start with ``_`` are helpers and are not mounted."""
