"""The given-name and surname comparisons: levels from the same name to different names.

Some facts are about the whole name rather than one of its parts (the same given name and surname,
the two swapped, the same words in another order): only the surname comparison scores them, and the
given-name comparison treats such a pair as not comparable, or the model would count the name twice.
"""

from __future__ import annotations

from typing import Any

from linkgraph.resolve.comparison_levels import ELSE_DIFFERENT, Level, level, null

__all__ = ["name_comparison"]

# Both names swapped between the two records (each alike in sound or spelling); and the same words
# of the full name in another order or split (e.g. "mohamed el" + "amrani" against "mohamed" +
# "el amrani").
_NAMES_SWAPPED = (
    "(given_phon_l = surname_phon_r OR jaro_winkler_similarity(given_key_l, surname_key_r) >= 0.9)"
    " AND (surname_phon_l = given_phon_r OR jaro_winkler_similarity(surname_key_l, given_key_r) >= 0.9)"
)
_SAME_WORDS = "name_sorted_l = name_sorted_r"

# The surname comparison's exact and sound levels, which come before its whole-name ones. (Its
# nearly-the-same-spelling level comes before them too; left out here, it would cost a spelling
# similarity on every pair, and a pair in it and swapped as well only loses its given name's weight.)
_SURNAMES_ALIKE = "surname_key_l = surname_key_r OR surname_phon_l = surname_phon_r"

# Swapped, one of the two the same (in spelling or sound) and the other alike only loosely: misspelt,
# or with a middle name, patronymic or second surname more on one side ("florin constantin" +
# "stoica" against "stoica" + "florin"; "kamal hussain" against "hossain" + "kamal"). Records from
# countries that write the family name first are swapped by clerks who expect it last, and those
# names are the ones most often respelt. (The equality first: the spelling similarity is then computed
# for the few pairs that have it.)
_SWAPPED_LOOSELY = (
    "((given_key_l = surname_key_r OR given_phon_l = surname_phon_r)"
    " AND jaro_winkler_similarity(surname_key_l, given_key_r) >= 0.8)"
    " OR ((surname_key_l = given_key_r OR surname_phon_l = given_phon_r)"
    " AND jaro_winkler_similarity(given_key_l, surname_key_r) >= 0.8)"
)

# Swapped, one record entered in Arabic script: the consonants agree crosswise ("ywsf" + "llwy"
# against "alaoui" + "yusuf").
_SWAPPED_CONSONANTS = (
    "(written_without_vowels_l OR written_without_vowels_r)"
    " AND given_skeleton_l = surname_skeleton_r AND surname_skeleton_l = given_skeleton_r"
)

# Both names exactly the same. Given names and surnames are not independent among different people
# (both come from one language, so "joy" goes with "ibrahim" far more often than their separate
# frequencies say): the whole name is one fact, scored by the surname comparison with the whole
# name's own frequency, and the given-name comparison then has nothing more to say.
_SAME_WHOLE_NAME = "name_key_l = name_key_r"


# The Arabic article is written, dropped or joined at will ("el alaoui", "alaoui"); without it on
# both sides the surnames are the same or nearly (weighed by the frequency of the commoner).
_ARTICLE_LEVEL = level(
    "(surname_core_l <> surname_key_l OR surname_core_r <> surname_key_r)"
    " AND jaro_winkler_similarity(surname_core_l, surname_core_r) >= 0.92",
    "same surname but for the article (al-, el-)", tf_column="surname_core",
)


def _same_consonants(skeleton: str) -> str:
    """SQL: one record's name is written without vowels and both have the same consonant ``skeleton``."""
    return f"(written_without_vowels_l OR written_without_vowels_r) AND {skeleton}_l = {skeleton}_r"


def name_comparison(key: str, phon: str, skeleton: str, output: str, description: str) -> dict[str, Any]:
    """The Splink comparison dict of one name part: ``key`` (the folded name), ``phon`` (its sound),
    ``skeleton`` (its consonants, ``name_forms.consonant_skeleton``), scored into ``output``."""
    whole_name: list[Level]
    exact: list[Level]
    if output == "surname":
        exact = [level(_SAME_WHOLE_NAME, "same given name and surname", tf_column="name_key")]
        # Weighted by how common the name's words are: "jack ryan" / "ryan jack" says less than a rare
        # name swapped (the frequency of the words in any order, ``name_sorted``).
        whole_name = [
            level(_NAMES_SWAPPED, "given name and surname swapped", tf_column="name_sorted"),
            level(_SAME_WORDS, "same name words in another order", tf_column="name_sorted"),
            level(_SWAPPED_LOOSELY, "given name and surname swapped, one spelt differently or with a name more"),
            level(_SWAPPED_CONSONANTS, "given name and surname swapped, one side written without vowels"),
        ]
    else:
        # The given name yields whenever the surname comparison scores the whole name: the same name,
        # or (its own surnames not alike) the names swapped or reordered. Scored here too, a swapped
        # pair whose given names also look alike ("mahmoud ahmed" + "mohamed" against "mohamed
        # ahmed" + "mahmoud") would count one name twice.
        exact = [
            {
                "sql_condition": _SAME_WHOLE_NAME,
                "label_for_charts": "compared with the surname (same given name and surname)",
                "is_null_level": True,
            },
            {
                "sql_condition": f"NOT ({_SURNAMES_ALIKE}) AND (({_NAMES_SWAPPED}) OR {_SAME_WORDS}"
                                 f" OR ({_SWAPPED_LOOSELY}) OR ({_SWAPPED_CONSONANTS}))",
                "label_for_charts": "compared with the surname (names swapped or split differently)",
                "is_null_level": True,
            },
        ]
        whole_name = []
    return {
        "output_column_name": output,
        "comparison_description": description,
        "comparison_levels": [
            null(key),
            *exact,
            level(f"{key}_l = {key}_r", "exact match", tf_column=key),
            # Weighed by the frequency of the commoner spelling (Splink takes the larger of the two):
            # "popaa" comes as close to every "popa" in the store as to this one.
            level(f"jaro_winkler_similarity({key}_l, {key}_r) >= 0.92", "nearly the same spelling",
                  tf_column=key),
            *([_ARTICLE_LEVEL] if output == "surname" else []),
            level(f"{phon}_l = {phon}_r", "sounds the same"),
            *whole_name,
            # A name entered in Arabic script reaches the store without its short vowels ("mhmd",
            # "ltrblsy"); its consonants are all it can agree on.
            level(_same_consonants(skeleton),
                  "same consonants, one side written without vowels (as from Arabic script)"),
            level(f"jaro_winkler_similarity({key}_l, {key}_r) >= 0.80", "similar spelling"),
            ELSE_DIFFERENT,
        ],
    }
