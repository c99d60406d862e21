"""Resolution: which ``Person`` records are probably the same person, and which ``Organisation`` records
the same organisation, with the evidence.

``matching`` is the public entry point for persons (``train``, ``ResolutionModel``, ``empty_person_frame``);
``organisations`` scores organisations by rules; ``service`` runs both against a store and records the
analysts' decisions; ``same_as`` writes the links of both.
"""
