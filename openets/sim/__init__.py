"""The simulator: a seeded synthetic market population and, on top of it, trading agents.

``population.generate_population`` builds the covered entities (power plants by province and
unit category, and from 2024 steel, cement and aluminium); ``units_io`` writes them as CSV.
"""
