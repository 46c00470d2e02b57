"""The browser terminal: pages, fragments and assets mounted on the API app by
:func:`openets.web.pages.mount`."""
