// description: Cases involving two or more countries (owner, offence places, route places, nationalities; ISO 3166 alpha-3), and whether each is eligible for EU EMPACT funding: an EMPACT priority offence and at least two EU member states involved.
// data eu_member_states: eu_member_states.csv iso3
// data empact_offences: empact_priorities.csv offence_types
// example: linkgraph query international_cases
// access: filtered
MATCH (c:Case)
WHERE $everything OR c.key IN $visible
OPTIONAL MATCH (o:Offence)-[:PART_OF]->(c)
OPTIONAL MATCH (o)-[:AT]->(place:Location)
WITH c, collect(DISTINCT o.offence_type) AS offences, collect(DISTINCT place.country) AS places
OPTIONAL MATCH (p:Person)-[:INVOLVED_IN]->(:Offence)-[:PART_OF]->(c)
WITH c, offences, places, collect(DISTINCT coalesce(p.nationality_key, p.nationality)) AS nationalities
OPTIONAL MATCH (r:Route)-[:PART_OF]->(c)
OPTIONAL MATCH (r)-[:FROM|TO|VIA]->(stop:Location)
WITH c, offences, places, nationalities, collect(DISTINCT stop.country) AS stops
WITH c, offences, places + nationalities + stops + [coalesce(c.country_key, c.country)] AS involved
UNWIND involved AS country
WITH c, offences, collect(DISTINCT country) AS countries
WHERE size(countries) >= 2
WITH c, offences, countries, [x IN countries WHERE x IN $eu_member_states] AS eu
RETURN c.key AS case_id, coalesce(c.country_key, c.country) AS owner, size(countries) AS n_countries, countries, offences,
       eu AS eu_states, size(eu) >= 2 AND any(x IN offences WHERE x IN $empact_offences) AS empact_eligible
ORDER BY n_countries DESC, case_id
