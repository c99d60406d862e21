"""Analysis: cross-case links, paths, connecting networks, rankings, communities and search, all read
through the view (``linkgraph.access.View``) so that need-to-know holds for every result."""
