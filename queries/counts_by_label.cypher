// description: Number of nodes per label, largest first.
// example: linkgraph query counts_by_label
MATCH (n)
RETURN labels(n)[0] AS label, count(n) AS nodes
ORDER BY nodes DESC, label
