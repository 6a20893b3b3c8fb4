"""Names that mean the same organisation fold to the same key."""

import pytest

from endorse.text import fold, normalize_name


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Ligue des Droits Humains ASBL", "ligue des droits humains"),
        ("  Ligue   des droits\thumains a.s.b.l. ", "Ligue des droits humains"),
        ("vzw Kinderrechtencoalitie", "Kinderrechtencoalitie v.z.w."),
        ("Élan Pédagogique", "elan pedagogique"),
        ("Caritas International (NGO)", "CARITAS INTERNATIONAL"),
        ("Vluchtelingenwerk Vlaanderen - vzw", "Vluchtelingenwerk Vlaanderen"),
        ("Straße der Kinder e.V.", "strasse der kinder"),
        ("Médecins du Monde ONG", "medecins du monde"),
    ],
)
def test_spellings_of_one_organisation_fold_together(left: str, right: str) -> None:
    assert normalize_name(left) == normalize_name(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Ligue des familles", "Ligue des droits humains"),
        ("Jeugdhuis De Brug", "Jeugdhuis De Burg"),
    ],
)
def test_different_organisations_stay_apart(left: str, right: str) -> None:
    assert normalize_name(left) != normalize_name(right)


def test_legal_forms_inside_a_name_are_kept() -> None:
    assert normalize_name("Het SA Collectief vzw") == "het sa collectief"


def test_a_name_that_is_only_a_legal_form_is_not_emptied() -> None:
    assert normalize_name("ASBL") == "asbl"


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("Liège — Saint-Gilles, Ça VA!") == "liege saint gilles ca va"
