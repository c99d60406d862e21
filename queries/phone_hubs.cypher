// description: Phones, e-mail addresses and accounts used by persons of at least N cases, with the persons and cases, most cases first.
// param min_cases: int - the fewest cases, e.g. 2
// example: linkgraph query phone_hubs -p min_cases=2
// access: filtered
MATCH (p:Person)-[:USES]->(x)
WHERE (x:Phone OR x:Email OR x:Account)
  AND ($everything OR any(k IN coalesce(p.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(x.cases, []) WHERE k IN $visible))
UNWIND [k IN coalesce(p.cases, []) WHERE ($everything OR k IN $visible) AND k IN x.cases] AS case_id
WITH x, collect(DISTINCT case_id) AS cases, collect(DISTINCT p.key) AS persons
WHERE size(cases) >= $min_cases
RETURN labels(x)[0] AS label, x.key AS key, size(cases) AS n_cases, cases, size(persons) AS n_persons, persons
ORDER BY n_cases DESC, n_persons DESC, key
