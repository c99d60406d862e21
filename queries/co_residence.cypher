// description: Places where at least N persons or organisations you may see live (LIVES_AT), with the residents and the cases they come from; street addresses (a place whose level is address) before towns, then most cases first.
// param min_residents: int? - the fewest residents, 2 when left out
// example: linkgraph query co_residence -p min_residents=2
// access: filtered
// WITH before the filter: FalkorDB plans a filter on p right after the MATCH as a scan of every person
MATCH (p)-[:LIVES_AT]->(l:Location)
WITH l, p WHERE (p:Person OR p:Organisation) AND ($everything OR any(k IN coalesce(p.cases, []) WHERE k IN $visible))
UNWIND [k IN coalesce(p.cases, []) WHERE $everything OR k IN $visible] AS case_id
WITH l, collect(DISTINCT p.key) AS residents, collect(DISTINCT case_id) AS cases
WHERE size(residents) >= coalesce($min_residents, 2)
WITH l, residents, cases, coalesce(l.level, '') AS level, CASE WHEN l.level = 'address' THEN 0 ELSE 1 END AS town
RETURN 'Location' AS label, l.key AS key, l.place AS place, level, size(residents) AS n_residents, residents,
       size(cases) AS n_cases, cases
ORDER BY town, n_cases DESC, n_residents DESC, key
