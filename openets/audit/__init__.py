"""Tamper evidence with a key: Ed25519-signed checkpoints of the journal's hash chain."""
