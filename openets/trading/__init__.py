"""The trading context: order book, listing and continuous trading, bands, calendar, prices."""
