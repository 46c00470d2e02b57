"""Clearing and settlement (清算结算): fund accounts, fees, end-of-day DvP settlement.

Funds are a second double-entry ledger, in fen. Deposits draw from the ``@BANK`` tally (the
settlement bank's account as seen from the exchange), so that at every moment
``deposits − withdrawals = Σ balances`` (fee income included).
"""
