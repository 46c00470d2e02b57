"""The simulator: a seeded synthetic market population and, on top of it, trading agents.

``population.generate_population`` builds the covered entities (power plants by province and
unit category, and from 2024 steel, cement and aluminium); ``units_io`` writes them as CSV.
"""

CURRENT_YEAR = 2026
"""The cycle ``openets simulate`` and ``openets demo`` run by default: the 2025 obligations of
power, steel, cement and aluminium, surrendered by 2026-12-31 (a cycle is named by the year of
its deadline)."""

DEMO_ENTITIES = 1300
"""Power entities of the demo's synthetic market by default; the industrial sectors join in
the 2025 roster's proportions (2,104 entities in all, about as many as cycle 1). Smaller than
the real roster (2,087 power entities, 3,378 in all: ``--entities 2087``) so the demo is up
as fast as before: its market is seeded through the engine's ordinary commands."""
