"""Request and response bodies: ``XIn`` for what callers send, ``XOut`` for what they get."""
