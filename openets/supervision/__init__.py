"""Supervision and disclosure (监管与信息披露): risk limits, surveillance, cases, reports.

Pure: this package knows only :mod:`openets.domain` and itself. Detectors are functions over
one trading day's orders and trades (:mod:`openets.supervision.model`); the engine's use case
(:mod:`openets.supervision.service`) feeds them from the journal and journals their
alerts. Reports are built from the journal's daily bars and trades.
"""
