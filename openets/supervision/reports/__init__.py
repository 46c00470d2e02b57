"""Disclosure: the daily, weekly and annual market reports, the public registry report, and
CSV / Parquet exports, all built from the journal (DayClosed and TradeExecuted records) so that
the whole history is there."""
