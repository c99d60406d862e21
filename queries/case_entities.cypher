// description: Every entity a case mentions (through the provenance of its records), with label and caption.
// param case_id: str - the case reference, e.g. ES-2024-117
// example: linkgraph query case_entities -p case_id=ES-2024-117
// access: filtered
MATCH (n)
WHERE $case_id IN n.cases AND ($everything OR $case_id IN $visible)
RETURN labels(n)[0] AS label, n.key AS key, coalesce(n.name, n.number, n.place, n.offence_type, n.reference, n.description, n.address, n.key) AS caption
ORDER BY label, key
