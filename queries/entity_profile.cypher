// description: Everything known about one entity (person, document, phone, account, route...): each fact with its provenance (source, file, line, case, owner country, time recorded).
// param key: str - the entity key, e.g. passport|NGA|NG1234567 or es-cnp:CNP0000017
// example: linkgraph query entity_profile -p key=passport|NGA|NG1234567
// access: filtered
// One index lookup per entity label (a MATCH on key without a label would scan every node).
CALL {
  MATCH (n:Case {key: $key}) RETURN n
  UNION MATCH (n:Person {key: $key}) RETURN n
  UNION MATCH (n:Document {key: $key}) RETURN n
  UNION MATCH (n:Route {key: $key}) RETURN n
  UNION MATCH (n:Location {key: $key}) RETURN n
  UNION MATCH (n:Offence {key: $key}) RETURN n
  UNION MATCH (n:Phone {key: $key}) RETURN n
  UNION MATCH (n:Email {key: $key}) RETURN n
  UNION MATCH (n:Account {key: $key}) RETURN n
  UNION MATCH (n:Organisation {key: $key}) RETURN n
  UNION MATCH (n:Vehicle {key: $key}) RETURN n
  UNION MATCH (n:Event {key: $key}) RETURN n
}
WITH n WHERE ($everything OR any(c IN coalesce(n.cases, []) WHERE c IN $visible))
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
