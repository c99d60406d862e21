// description: Victims connected to a suspect across cases: victims of the offences where the person, or anyone of the same resolved identity, is a suspect or an accomplice.
// param key: str - the suspect's person key, e.g. es-cnp:CNP0000017
// example: linkgraph query victims_by_suspect -p key=es-cnp:CNP0000017
// access: filtered
MATCH (s:Person {key: $key})
WHERE $everything OR any(k IN coalesce(s.cases, []) WHERE k IN $visible)
MATCH (x:Person)
WHERE x.key = s.key OR (s.identity IS NOT NULL AND x.identity = s.identity)
MATCH (x)-[i:INVOLVED_IN]->(o:Offence)<-[j:INVOLVED_IN]-(v:Person)
WHERE i.role IN ['suspect', 'facilitator'] AND j.role = 'victim'
  AND ($everything OR any(k IN coalesce(x.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(o.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(v.cases, []) WHERE k IN $visible))
MATCH (o)-[:PART_OF]->(c:Case)
WHERE $everything OR c.key IN $visible
RETURN DISTINCT 'Person' AS label, v.key AS key, v.name AS victim, c.key AS case_id, coalesce(c.country_key, c.country) AS country,
       o.offence_type AS offence, x.key AS suspect, i.role AS role
ORDER BY case_id, key
