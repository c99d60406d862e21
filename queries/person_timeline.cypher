// description: A person's events in time order across cases (offences with their role, journeys), for the person and everyone of the same resolved identity.
// param key: str - the person key, e.g. es-cnp:CNP0000017
// example: linkgraph query person_timeline -p key=es-cnp:CNP0000017
// access: filtered
MATCH (s:Person {key: $key})
WHERE $everything OR any(k IN coalesce(s.cases, []) WHERE k IN $visible)
MATCH (x:Person)
WHERE (x.key = s.key OR (s.identity IS NOT NULL AND x.identity = s.identity))
  AND ($everything OR any(k IN coalesce(x.cases, []) WHERE k IN $visible))
OPTIONAL MATCH (x)-[i:INVOLVED_IN]->(o:Offence)-[:PART_OF]->(c:Case)
WHERE $everything OR c.key IN $visible
WITH x, collect([o.date, 'offence', o.offence_type, i.role, c.key]) AS offences
OPTIONAL MATCH (x)-[t:TRAVELLED]->(r:Route)
WHERE $everything OR any(k IN coalesce(r.cases, []) WHERE k IN $visible)
WITH x, offences, collect([t.date, 'journey', coalesce(r.description, r.key), null, [k IN coalesce(r.cases, []) WHERE $everything OR k IN $visible][0]]) AS journeys
UNWIND offences + journeys AS event
WITH x, event
WHERE event[2] IS NOT NULL
RETURN event[0] AS date, event[1] AS event, event[2] AS what, event[3] AS role, event[4] AS case_id, 'Person' AS label, x.key AS key, x.name AS name
ORDER BY date, case_id, event, what
