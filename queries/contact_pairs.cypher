// description: Pairs of persons in contact (calls, messages, meetings recorded as CONTACTED), with the number of contacts you may see, first and last dates and the cases of each person.
// example: linkgraph query contact_pairs
// access: filtered
MATCH (a:Person)-[e:CONTACTED]->(b:Person)
WHERE ($everything OR any(k IN coalesce(a.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(b.cases, []) WHERE k IN $visible))
OPTIONAL MATCH (r:Record) WHERE r.key IN coalesce(e.records, []) AND ($everything OR r.case_id IN $visible)
WITH a, b, e, count(r) AS seen
WHERE $everything OR seen > 0
WITH a, b, count(e) AS contacts, min(e.date) AS first, max(e.date) AS last
RETURN 'Person' AS label, a.key AS key, a.name AS name, b.key AS other, b.name AS other_name, contacts, first, last,
       [k IN coalesce(a.cases, []) WHERE $everything OR k IN $visible] AS cases,
       [k IN coalesce(b.cases, []) WHERE $everything OR k IN $visible] AS other_cases
ORDER BY contacts DESC, key, other
