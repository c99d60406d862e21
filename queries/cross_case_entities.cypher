// description: Entities of one type appearing in at least N cases you may see, with those cases and their owner countries, most cases first.
// param label: str - the entity type: Person, Document, Phone, Email, Account, Vehicle, Organisation, Route, Offence
// param min_cases: int - the fewest cases an entity must appear in, e.g. 2
// example: linkgraph query cross_case_entities -p label=Document -p min_cases=2
// access: filtered
MATCH (n)
WHERE $label IN labels(n) AND NOT n:Case AND size(coalesce(n.cases, [])) >= $min_cases
WITH n, [c IN n.cases WHERE $everything OR c IN $visible] AS cases
WHERE size(cases) >= $min_cases
UNWIND cases AS case_id
MATCH (c:Case {key: case_id})
WITH n, cases, collect(DISTINCT coalesce(c.country_key, c.country)) AS countries
RETURN labels(n)[0] AS label, n.key AS key, coalesce(n.name, n.number, n.place, n.offence_type, n.address, n.plate, n.description, n.key) AS caption,
       size(cases) AS n_cases, cases, countries
ORDER BY n_cases DESC, key
