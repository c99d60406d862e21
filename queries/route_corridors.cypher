// description: Transit places shared by routes of different cases, with the cases, the number of routes and the first and last travel dates.
// example: linkgraph query route_corridors
// access: filtered
MATCH (r:Route)-[:VIA]->(l:Location)
WHERE $everything OR any(k IN coalesce(r.cases, []) WHERE k IN $visible)
OPTIONAL MATCH (p:Person)-[t:TRAVELLED]->(r)
WHERE $everything OR any(k IN coalesce(p.cases, []) WHERE k IN $visible)
UNWIND [k IN coalesce(r.cases, []) WHERE $everything OR k IN $visible] AS case_id
WITH l, collect(DISTINCT case_id) AS cases, count(DISTINCT r) AS routes, min(t.date) AS first, max(t.date) AS last
WHERE size(cases) >= 2
RETURN 'Location' AS label, l.key AS key, l.place AS place, size(cases) AS n_cases, cases, routes, first, last
ORDER BY n_cases DESC, key
