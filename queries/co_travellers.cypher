// description: Persons you may see who travelled the same leg as a given person (routes sharing at least two places: origin, transit or destination) within a number of days of her, with the places, both dates and the cases; the closest in time first.
// param key: str - the person's key
// param window: int? - days either side, 7 when left out
// example: linkgraph query co_travellers -p key=es-cnp:CNP0000001 -p window=7
// access: filtered
// The window is applied as ISO date bounds before grouping (a transit city lies on thousands of
// journeys); the gap in days comes from the civil-calendar formula (the engines subtract dates differently).
MATCH (me:Person {key: $key})-[t1:TRAVELLED]->(r1:Route)
WHERE t1.date IS NOT NULL AND ($everything OR any(k IN coalesce(me.cases, []) WHERE k IN $visible))
WITH me, r1, t1.date AS mine, toString(date(t1.date) - duration({days: coalesce($window, 7)})) AS low,
     toString(date(t1.date) + duration({days: coalesce($window, 7)})) AS high, 365 * (toInteger(substring(toString(t1.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t1.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) + (toInteger(substring(toString(t1.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t1.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) / 4 - (toInteger(substring(toString(t1.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t1.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) / 100 + (toInteger(substring(toString(t1.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t1.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) / 400 + (153 * ((toInteger(substring(toString(t1.date), 5, 2)) + 9) % 12) + 2) / 5 + toInteger(substring(toString(t1.date), 8, 2)) AS day1
MATCH (r1)-[:FROM|VIA|TO]->(l:Location)<-[:FROM|VIA|TO]-(r2:Route)<-[t2:TRAVELLED]-(other:Person)
WHERE other <> me AND t2.date >= low AND t2.date <= high
WITH me, other, r2, l, mine, t2.date AS theirs, abs(day1 - (365 * (toInteger(substring(toString(t2.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t2.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) + (toInteger(substring(toString(t2.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t2.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) / 4 - (toInteger(substring(toString(t2.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t2.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) / 100 + (toInteger(substring(toString(t2.date), 0, 4)) - CASE WHEN toInteger(substring(toString(t2.date), 5, 2)) <= 2 THEN 1 ELSE 0 END) / 400 + (153 * ((toInteger(substring(toString(t2.date), 5, 2)) + 9) % 12) + 2) / 5 + toInteger(substring(toString(t2.date), 8, 2)))) AS gap
WHERE gap <= coalesce($window, 7)
  AND ($everything OR any(k IN coalesce(other.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(r2.cases, []) WHERE k IN $visible))
WITH other, r2, mine, theirs, gap, collect(DISTINCT l.key) AS places
WHERE size(places) >= 2
RETURN 'Person' AS label, other.key AS key, other.name AS name, places, mine, theirs, gap,
       [k IN coalesce(other.cases, []) WHERE $everything OR k IN $visible] AS cases
ORDER BY gap, key, mine
