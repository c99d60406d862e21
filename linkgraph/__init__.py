"""linkgraph: a criminal-analysis link-graph engine.

Case files in, one graph of persons, documents, routes and offences, cross-case links out.
"""

__version__ = "0.1.0"
