// description: Number of nodes per label that you may see, largest first.
// example: linkgraph query counts_by_label
// access: filtered
MATCH (n)
WHERE $everything OR any(c IN coalesce(n.cases, []) WHERE c IN $visible)
RETURN labels(n)[0] AS label, count(n) AS nodes
ORDER BY nodes DESC, label
