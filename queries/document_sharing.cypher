// description: Documents held by two or more persons (a borrowed or forged passport), with the holders and the cases.
// example: linkgraph query document_sharing
// access: filtered
MATCH (p:Person)-[:HOLDS]->(d:Document)
WHERE ($everything OR any(k IN coalesce(p.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(d.cases, []) WHERE k IN $visible))
WITH d, collect(DISTINCT p.key) AS holders, collect(DISTINCT p.name) AS names
WHERE size(holders) >= 2
RETURN 'Document' AS label, d.key AS key, d.number AS number, size(holders) AS n_holders, holders, names,
       [k IN coalesce(d.cases, []) WHERE $everything OR k IN $visible] AS cases
ORDER BY n_holders DESC, key
