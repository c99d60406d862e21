// Neo4j override: a node pattern without a label scans every node on Neo4j; with the model's labels
// (all but Record) as a label disjunction the planner seeks each label's unique key index instead
// (tests/store/test_neo4j_dialect.py checks the plan and keeps the list equal to the model's).
MATCH (n:Case|Person|Document|Route|Location|Offence|Phone|Email|Account|Organisation|Vehicle|Alert|Event|IngestRun|AuditEvent|ResolutionRun|DetectRun|DetectLock|StoreMark|Watchlist|WatchlistEntry {key: $key})
WHERE $label IS NULL OR $label IN labels(n)
UNWIND n.records AS record_key
MATCH (r:Record {key: record_key})
WHERE $everything OR r.case_id IN $visible
OPTIONAL MATCH (run:IngestRun {key: r.run})
RETURN labels(n)[0] AS label, n.key AS key, r.source AS source, r.file AS file, r.line AS line,
       r.record_id AS record_id, r.case_id AS case_id, r.run AS run, run.started AS time, run.user AS user
ORDER BY time, file, line
