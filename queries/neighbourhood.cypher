// description: Entities within k hops (1 to 3) of one entity, through visible entities only, optionally also through SAME_AS links (accepted, or candidates at 0.9 or above), nearest first.
// param key: str - the entity key to start from, e.g. es-cnp:CNP0000017
// param hops: int - how many hops, 1 to 3
// param same_as: bool - also walk SAME_AS links (true) or only recorded relationships (false)
// example: linkgraph query neighbourhood -p key=es-cnp:CNP0000017 -p hops=2 -p same_as=true
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
WITH n MATCH p = (n)-[*1..3]-(m)
WHERE length(p) <= $hops AND m <> n
  AND all(x IN nodes(p) WHERE $everything OR any(c IN coalesce(x.cases, []) WHERE c IN $visible) OR any(l IN labels(x) WHERE l IN $open_labels))
  AND all(r IN relationships(p) WHERE type(r) <> 'SAME_AS' OR ($same_as AND (r.status = 'accepted' OR (r.status = 'candidate' AND r.probability >= 0.9))))
WITH m, min(length(p)) AS hops
RETURN labels(m)[0] AS label, m.key AS key, coalesce(m.name, m.number, m.place, m.offence_type, m.address, m.plate, m.description, m.key) AS caption, hops,
       [c IN coalesce(m.cases, []) WHERE $everything OR c IN $visible] AS cases
ORDER BY hops, label, key
