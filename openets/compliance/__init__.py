"""Compliance: MRV (emission reports, verification, approval), benchmark allocation, obligations,
surrender rules, penalties and compliance reports.

Pure functions and a pure ``handle``/``apply`` pair (see :mod:`openets.compliance.mrv`); the
engine routes the resulting events to the registry, which moves the allowances.
"""
