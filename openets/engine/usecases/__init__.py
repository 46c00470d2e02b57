"""Use cases that span contexts (the service layer).

Each module registers its command handlers and event appliers in ``register(handlers,
appliers)``; :mod:`openets.composition` lists the modules and builds the tables from them.
"""
