// description: Persons you may see who travelled the same leg as a given person (routes sharing at least two places: origin, transit or destination) within a number of days of her, with the places, both dates and the cases; the closest in time first.
// param key: str - the person's key
// param window: int? - days either side, 7 when left out
// example: linkgraph query co_travellers -p key=es-cnp:CNP0000001 -p window=7
// access: filtered
MATCH (me:Person {key: $key})-[t1:TRAVELLED]->(r1:Route)-[:FROM|VIA|TO]->(l:Location)<-[:FROM|VIA|TO]-(r2:Route)<-[t2:TRAVELLED]-(other:Person)
WHERE other <> me AND t1.date IS NOT NULL AND t2.date IS NOT NULL
  AND ($everything OR any(k IN coalesce(me.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(other.cases, []) WHERE k IN $visible))
  AND ($everything OR any(k IN coalesce(r2.cases, []) WHERE k IN $visible))
WITH other, r2, t1.date AS mine, t2.date AS theirs, collect(DISTINCT l.key) AS places
WHERE size(places) >= 2
// days since a fixed epoch from the ISO dates (the civil-calendar formula: neither engine subtracts dates the same way)
WITH other, places, mine, theirs,
     [d IN [toString(mine), toString(theirs)] |
      [toInteger(substring(d, 0, 4)) - CASE WHEN toInteger(substring(d, 5, 2)) <= 2 THEN 1 ELSE 0 END,
       (toInteger(substring(d, 5, 2)) + 9) % 12, toInteger(substring(d, 8, 2))]] AS ymd
WITH other, places, mine, theirs,
     [x IN ymd | 365 * x[0] + x[0] / 4 - x[0] / 100 + x[0] / 400 + (153 * x[1] + 2) / 5 + x[2]] AS days
WITH other, places, mine, theirs, abs(days[0] - days[1]) AS gap
WHERE gap <= coalesce($window, 7)
RETURN 'Person' AS label, other.key AS key, other.name AS name, places, mine, theirs, gap,
       [k IN coalesce(other.cases, []) WHERE $everything OR k IN $visible] AS cases
ORDER BY gap, key, mine
