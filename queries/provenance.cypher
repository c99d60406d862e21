// description: Where an entity came from: every source record that asserted it (source, file, line, record id, case, run, time).
// param key: str - the entity key, e.g. passport|ESP|X1234567 or es-cnp:P00017
// param label: str? - only the entity of this label (keys are unique per label: a person and an offence of one source may share a key), e.g. Person
// example: linkgraph query provenance -p key=passport|ESP|X1234567
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
WITH n WHERE $label IS NULL OR $label IN labels(n)
UNWIND n.records AS record_key
MATCH (r:Record {key: record_key})
WHERE $everything OR r.case_id IN $visible
OPTIONAL MATCH (run:IngestRun {key: r.run})
RETURN labels(n)[0] AS label, n.key AS key, r.source AS source, r.file AS file, r.line AS line,
       r.record_id AS record_id, r.case_id AS case_id, r.run AS run, run.started AS time, run.user AS user
ORDER BY time, file, line
