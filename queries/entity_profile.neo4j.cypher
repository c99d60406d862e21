// Neo4j override: a node pattern without a label scans every node on Neo4j; with the model's labels
// (the entity labels, as in the common text) as a label disjunction the planner seeks each label's unique key index instead
// (tests/store/test_neo4j_dialect.py checks the plan and keeps the list equal to the model's).
MATCH (n:Case|Person|Document|Route|Location|Offence|Phone|Email|Account|Organisation|Vehicle|Event {key: $key})
WHERE ($everything OR any(c IN coalesce(n.cases, []) WHERE c IN $visible))
OPTIONAL MATCH (n)-[e]-(m)
WHERE ($everything OR any(c IN coalesce(m.cases, []) WHERE c IN $visible) OR any(l IN labels(m) WHERE l IN $open_labels))
WITH n, collect([type(e), labels(m)[0], m.key, coalesce(m.name, m.number, m.place, m.offence_type, m.address, m.plate, m.description, m.key), e.role, coalesce(e.date, e.status), e.records]) AS facts
WITH n, [['recorded as', labels(n)[0], n.key, coalesce(n.name, n.number, n.place, n.offence_type, n.address, n.plate, n.description, n.key), null, coalesce(n.birth_date, n.date), n.records]] + [f IN facts WHERE f[0] IS NOT NULL] AS facts
UNWIND facts AS fact
UNWIND (CASE WHEN size(coalesce(fact[6], [])) = 0 THEN [null] ELSE fact[6] END) AS record_key
OPTIONAL MATCH (r:Record {key: record_key})
WITH n, fact, r
WHERE (fact[0] = 'SAME_AS' AND r IS NULL) OR (r IS NOT NULL AND ($everything OR r.case_id IN $visible))
OPTIONAL MATCH (c:Case {key: r.case_id})
OPTIONAL MATCH (run:IngestRun {key: r.run})
RETURN labels(n)[0] AS label, n.key AS key, fact[0] AS fact, fact[1] AS other_label, fact[2] AS other,
       fact[3] AS caption, fact[4] AS role, fact[5] AS detail, r.source AS source, r.file AS file, r.line AS line,
       r.case_id AS case_id, coalesce(c.country_key, c.country) AS country, run.started AS recorded
ORDER BY fact, other, case_id, file, line
