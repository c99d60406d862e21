// description: Where the relationships of an entity came from: each relationship with the source records that asserted it.
// param key: str - the entity key at one end of the relationships
// param label: str? - only the entity of this label (keys are unique per label: a person and an offence of one source may share a key), e.g. Person
// example: linkgraph query relationship_provenance -p key=es-cnp:P00017
MATCH (n {key: $key})-[e]-(m)
WHERE NOT n:Record AND ($label IS NULL OR $label IN labels(n))
UNWIND e.records AS record_key
MATCH (r:Record {key: record_key})
OPTIONAL MATCH (run:IngestRun {key: r.run})
RETURN type(e) AS relationship, m.key AS other, r.source AS source, r.file AS file, r.line AS line,
       r.record_id AS record_id, r.case_id AS case_id, r.run AS run, run.started AS time
ORDER BY relationship, other, time
