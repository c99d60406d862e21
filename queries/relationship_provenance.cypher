// description: Where the relationships of an entity came from: each relationship with the source records that asserted it.
// param key: str - the entity key at one end of the relationships
// param label: str? - only the entity of this label (keys are unique per label), e.g. Person
// example: linkgraph query relationship_provenance -p key=es-cnp:P00017
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
WITH n  // FalkorDB: without it the next MATCH does not see n bound by the CALL and matches every node
MATCH (n)-[e]-(m)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($everything OR any(c IN coalesce(m.cases, []) WHERE c IN $visible) OR any(l IN labels(m) WHERE l IN $open_labels))
UNWIND e.records AS record_key
MATCH (r:Record {key: record_key})
WHERE $everything OR r.case_id IN $visible
OPTIONAL MATCH (run:IngestRun {key: r.run})
RETURN type(e) AS relationship, m.key AS other, r.source AS source, r.file AS file, r.line AS line,
       r.record_id AS record_id, r.case_id AS case_id, r.run AS run, run.started AS time
ORDER BY relationship, other, time
