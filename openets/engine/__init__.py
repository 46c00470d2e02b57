"""The sequencer: one writer applies commands in order and journals their events.

See :mod:`openets.engine.core` for the flow of one command.
"""
