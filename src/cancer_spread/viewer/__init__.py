"""The viewer's parts. Python computes the data and the layout; the page itself is files:

- ``page.html`` (the template), ``viewer.css``, ``legend.html``;
- ``lib.js`` (pure logic: search, filters, ordering; unit-tested with ``node --test``) and
  ``viewer.js`` (the page's behaviour on top of vis-network);
- ``vendor/``: vis-network, pinned, with its licence.

:mod:`cancer_spread.visualise` puts them together into one offline page; :mod:`.layout` places
the nodes; :mod:`.style` holds the colours, shapes and vis-network options; :mod:`.pyvis_network` builds
the same network as a ``pyvis.network.Network``.
"""
