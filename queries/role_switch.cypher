// description: Persons, or resolved identities, who are suspects in one case and victims in another (victims turned recruiters), with the cases of each role.
// example: linkgraph query role_switch
// access: filtered
MATCH (p:Person)-[i:INVOLVED_IN]->(o:Offence)-[:PART_OF]->(c:Case)
WHERE i.role IN ['suspect', 'victim'] AND ($everything OR c.key IN $visible)
WITH coalesce(p.identity, p.key) AS who, p, i.role AS role, c.key AS case_id
WITH who, collect(DISTINCT p.key) AS persons, collect(DISTINCT p.name) AS names,
     collect(DISTINCT CASE WHEN role = 'suspect' THEN case_id END) AS suspect_in,
     collect(DISTINCT CASE WHEN role = 'victim' THEN case_id END) AS victim_in
WHERE any(s IN suspect_in WHERE any(v IN victim_in WHERE v <> s))
RETURN who AS identity, names, persons, suspect_in, victim_in
ORDER BY size(suspect_in) + size(victim_in) DESC, identity
