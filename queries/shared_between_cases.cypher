// description: What two cases share: the same entity mentioned by both, or persons of each joined by a SAME_AS link (accepted, or a candidate at 0.9 or above).
// param case_a: str - one case reference, e.g. ES-2024-117
// param case_b: str - the other case reference, e.g. IT-2024-0042
// example: linkgraph query shared_between_cases -p case_a=ES-2024-117 -p case_b=IT-2024-0042
// access: filtered
MATCH (n)
WHERE NOT n:Case AND NOT n:Record AND $case_a IN coalesce(n.cases, []) AND $case_b IN coalesce(n.cases, []) AND $case_a <> $case_b
  AND ($everything OR ($case_a IN $visible AND $case_b IN $visible))
RETURN labels(n)[0] AS label, n.key AS key, coalesce(n.name, n.number, n.place, n.offence_type, n.address, n.plate, n.description, n.key) AS caption,
       'same entity' AS how, null AS other, null AS probability
UNION ALL
MATCH (a:Person)-[s:SAME_AS]-(b:Person)
WHERE $case_a IN coalesce(a.cases, []) AND $case_b IN coalesce(b.cases, []) AND $case_a <> $case_b AND a <> b
  AND (s.status = 'accepted' OR (s.status = 'candidate' AND s.probability >= 0.9))
  AND ($everything OR ($case_a IN $visible AND $case_b IN $visible))
RETURN 'Person' AS label, a.key AS key, a.name AS caption, 'resolved identity (' + s.status + ')' AS how, b.key AS other,
       s.probability AS probability
