"""The registry (注册登记): who holds which allowances. The only source of truth for holdings.

Every movement of allowances, including a move between the buckets of one account, is a
double-entry transaction (:class:`~openets.registry.events.LedgerPosted`) whose postings sum
to zero per product. Issuance draws from the ``@ISSUED`` tally, so that at every moment
``issued − surrendered − cancelled = Σ holdings`` of the non-retirement accounts.
"""
