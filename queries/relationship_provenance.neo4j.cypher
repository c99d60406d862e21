// Neo4j override: a node pattern without a label scans every node on Neo4j; with the model's labels
// (all but Record) as a label disjunction the planner seeks each label's unique key index instead
// (tests/store/test_neo4j_dialect.py checks the plan and keeps the list equal to the model's).
MATCH (n:Case|Person|Document|Route|Location|Offence|Phone|Email|Account|Organisation|Vehicle|Alert|Event|IngestRun|AuditEvent|ResolutionRun|DetectRun|DetectLock|StoreMark|Watchlist|WatchlistEntry {key: $key})-[e]-(m)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($everything OR any(c IN coalesce(m.cases, []) WHERE c IN $visible) OR any(l IN labels(m) WHERE l IN $open_labels))
UNWIND e.records AS record_key
MATCH (r:Record {key: record_key})
WHERE $everything OR r.case_id IN $visible
OPTIONAL MATCH (run:IngestRun {key: r.run})
RETURN type(e) AS relationship, m.key AS other, r.source AS source, r.file AS file, r.line AS line,
       r.record_id AS record_id, r.case_id AS case_id, r.run AS run, run.started AS time
ORDER BY relationship, other, time
