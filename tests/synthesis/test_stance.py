"""Stance: a trailing contrast ("…, not more hotels") names what a note rejects instead; it
neither flips the note nor hides an opposition."""

from __future__ import annotations

from worldcafe.synthesis.stance import opposite


def test_a_trailing_contrast_does_not_make_a_note_the_opposite_of_its_translation() -> None:
    english = "Students need affordable rooms near the university, not more hotels"
    assert not opposite(english, "Studenten brauchen günstige Zimmer nahe der Uni")
    assert not opposite(english, "Students need affordable rooms near the university")
    assert not opposite(
        "Des logements pour les familles, pas des hôtels", "Des logements pour les familles"
    )
    assert not opposite(
        "Wohnungen für Familien, keine Ferienwohnungen", "Wohnungen für Familien schaffen"
    )


def test_contrasts_that_swap_sides_are_opposite() -> None:
    assert opposite("Phones should be banned at school, not allowed", "Phones should be allowed")
    assert opposite("We need more bike lanes, not less", "We need less bike lanes, not more")
    assert opposite("Mehr Radwege, nicht weniger", "Weniger Radwege, nicht mehr")


def test_a_negation_that_opens_the_note_or_its_verb_still_flips_it() -> None:
    assert opposite("No cars in the old town", "Cars in the old town")
    assert opposite(
        "Dan trabajo, no hay que limitar los pisos", "Dan trabajo, hay que limitar los pisos"
    )
    assert opposite("Das hilft, das reicht nicht", "Das hilft, das reicht")
    assert opposite("Ce n'est pas une bonne idée", "C'est une bonne idée")


def test_a_note_that_wants_what_the_other_rejects_is_its_opposite() -> None:
    assert opposite(
        "Förderung für Wärmepumpen, keine Gasheizungen",
        "Förderung für Wärmepumpen und Gasheizungen",
    )
    assert opposite("Bike lanes, not parking", "Parking instead of bike lanes")
    assert not opposite("More trams, not more buses", "We need more trams")


def test_french_ne_negates_with_its_particle_and_italian_ne_negates_nothing() -> None:
    # Italian "se ne vanno" (they leave) is no negation.
    assert not opposite(
        "Troppi appartamenti sono diventati affitti brevi: i residenti se ne vanno",
        "Troppi appartamenti sono diventati affitti brevi: i residenti vanno via",
    )
    # French: "ne … pas" once, "ne … plus" and "ne … personne" with their "ne", and
    # "personne" (a person) alone is no negation.
    assert opposite("Ce n'est pas une bonne idée", "C'est une bonne idée")
    assert opposite("Il n'y a plus de logements pour les familles", "Il y a des logements")
    assert opposite("Personne ne vient au marché", "Tout le monde vient au marché")
    assert not opposite(
        "Une personne âgée doit pouvoir traverser la place", "On doit pouvoir traverser la place"
    )
    assert not opposite("Pas de voitures dans le centre", "Aucune voiture dans le centre")


def test_english_contracted_negations_flip_a_note() -> None:
    assert opposite("Cars don't belong in the old town", "Cars belong in the old town")
    assert opposite("Tourists can’t park here", "Tourists can park here")
    assert not opposite("Tourists can't park here", "Visitors cannot park here")
