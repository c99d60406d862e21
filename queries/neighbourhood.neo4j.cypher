// Neo4j override: a node pattern without a label scans every node on Neo4j; with the model's labels
// (the entity labels, as in the common text) as a label disjunction the planner seeks each label's unique key index instead
// (tests/store/test_neo4j_dialect.py checks the plan and keeps the list equal to the model's).
MATCH p = (n:Case|Person|Document|Route|Location|Offence|Phone|Email|Account|Organisation|Vehicle|Event {key: $key})-[*1..3]-(m)
WHERE length(p) <= $hops AND m <> n
  AND all(x IN nodes(p) WHERE $everything OR any(c IN coalesce(x.cases, []) WHERE c IN $visible) OR any(l IN labels(x) WHERE l IN $open_labels))
  AND all(r IN relationships(p) WHERE type(r) <> 'SAME_AS' OR ($same_as AND (r.status = 'accepted' OR (r.status = 'candidate' AND r.probability >= 0.9))))
WITH m, min(length(p)) AS hops
RETURN labels(m)[0] AS label, m.key AS key, coalesce(m.name, m.number, m.place, m.offence_type, m.address, m.plate, m.description, m.key) AS caption, hops,
       [c IN coalesce(m.cases, []) WHERE $everything OR c IN $visible] AS cases
ORDER BY hops, label, key
