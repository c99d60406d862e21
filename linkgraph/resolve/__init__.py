"""Person resolution: which ``Person`` records are probably the same person, with the evidence.

``matching`` is the public entry point (``train``, ``ResolutionModel``, ``empty_person_frame``).
"""
