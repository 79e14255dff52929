"""Notes such as a café's phones write: ideas on a few themes, in English, German and French.

Each idea has phrasings per language; a note is one phrasing with a place and sometimes a
reason or a condition, so that notes on one idea differ in their words as people's do. German
phones now and then write a statement of a real citizens' assembly instead (the shared
development data), for sentences nobody wrote to a template.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

THEMES = ("Getting around", "Homes and neighbourhoods", "Food and waste")

# theme -> ideas -> language -> phrasings ({place} is filled in)
IDEAS: dict[str, list[dict[str, list[str]]]] = {
    "Getting around": [
        {
            "en": ["Protected bike lanes on {place}", "Separate cycle paths along {place}"],
            "de": ["Geschützte Radwege an {place}", "Eigene Radspuren entlang {place}"],
            "fr": ["Des pistes cyclables protégées sur {place}"],
        },
        {
            "en": ["Buses every ten minutes to {place}", "More frequent buses serving {place}"],
            "de": ["Busse alle zehn Minuten nach {place}", "Dichterer Bustakt für {place}"],
            "fr": ["Un bus toutes les dix minutes vers {place}"],
        },
        {
            "en": ["Free public transport for under 18s", "Make buses and trams free for pupils"],
            "de": ["Kostenloser Nahverkehr für alle unter 18", "Freie Fahrt für Schüler"],
            "fr": ["Transports gratuits pour les moins de 18 ans"],
        },
        {
            "en": ["Car-free streets around {place}", "Close {place} to through traffic"],
            "de": ["Autofreie Straßen rund um {place}", "Durchgangsverkehr an {place} sperren"],
            "fr": ["Des rues sans voitures autour de {place}"],
        },
        {
            "en": ["Safe crossings and lower speed near {place}", "30 km/h limit at {place}"],
            "de": ["Sichere Übergänge und Tempo 30 bei {place}"],
            "fr": ["Zone 30 et passages sûrs près de {place}"],
        },
    ],
    "Homes and neighbourhoods": [
        {
            "en": ["Cap rents in {place}", "Rent controls so families can stay in {place}"],
            "de": ["Mietendeckel für {place}", "Mietbremse, damit Familien in {place} bleiben"],
            "fr": ["Encadrer les loyers à {place}"],
        },
        {
            "en": ["Turn empty offices near {place} into flats", "Use vacant buildings for homes"],
            "de": ["Leere Büros bei {place} zu Wohnungen umbauen", "Leerstand für Wohnraum nutzen"],
            "fr": ["Transformer les bureaux vides près de {place} en logements"],
        },
        {
            "en": ["More trees and shade on {place}", "Plant trees for shade at {place}"],
            "de": ["Mehr Bäume und Schatten an {place}", "Bäume pflanzen bei {place}"],
            "fr": ["Plus d'arbres et d'ombre sur {place}"],
        },
        {
            "en": ["A community centre open evenings at {place}", "Meeting rooms for neighbours"],
            "de": ["Ein Nachbarschaftstreff bei {place}, auch abends offen"],
            "fr": ["Une maison de quartier ouverte le soir à {place}"],
        },
        {
            "en": ["Insulate old housing blocks first", "Subsidies for insulating old flats"],
            "de": ["Alte Wohnblöcke zuerst dämmen", "Förderung für die Dämmung alter Wohnungen"],
            "fr": ["Isoler d'abord les vieux immeubles"],
        },
    ],
    "Food and waste": [
        {
            "en": ["A weekly farmers market at {place}", "Local produce market on {place}"],
            "de": ["Ein Wochenmarkt mit Bauern aus der Region an {place}"],
            "fr": ["Un marché de producteurs chaque semaine à {place}"],
        },
        {
            "en": ["Deposit on takeaway cups and boxes", "Reusable boxes for all takeaways"],
            "de": ["Pfand auf Kaffeebecher und Essensboxen", "Mehrweg für jedes Essen to go"],
            "fr": ["Une consigne sur les gobelets et boîtes à emporter"],
        },
        {
            "en": ["Give unsold food from shops to food banks", "Supermarkets donate leftovers"],
            "de": ["Unverkaufte Lebensmittel an die Tafeln geben"],
            "fr": ["Donner les invendus des magasins aux banques alimentaires"],
        },
        {
            "en": ["Compost bins in every courtyard near {place}", "Collect food waste at {place}"],
            "de": ["Biotonnen in jedem Hof bei {place}", "Bioabfall an {place} sammeln"],
            "fr": ["Des composteurs dans chaque cour près de {place}"],
        },
        {
            "en": ["Cook fresh school meals with local food", "Healthier school lunches"],
            "de": ["Frisch gekochtes Schulessen aus der Region", "Gesünderes Schulessen"],
            "fr": ["Des repas scolaires frais et locaux"],
        },
    ],
}

PLACES = {
    "en": ["the main square", "the station", "the old harbour", "the north estate", "our school"],
    "de": ["dem Marktplatz", "dem Bahnhof", "der Altstadt", "dem Nordviertel", "unserer Schule"],
    "fr": ["la grande place", "la gare", "le vieux port", "le quartier nord", "notre école"],
}

ADDITIONS = {
    "en": [
        "",
        "",
        ", especially for older people",
        " within the next two years",
        ", paid for by a parking levy",
        ". Children must be able to do this alone!",
        " - we talked about this at length",
        ", but only if neighbours are asked first",
    ],
    "de": [
        "",
        "",
        ", vor allem für ältere Menschen",
        " in den nächsten zwei Jahren",
        ", bezahlt aus einer Parkabgabe",
        ". Kinder sollen das allein schaffen!",
        ", aber nur wenn die Nachbarschaft gefragt wird",
    ],
    "fr": [
        "",
        "",
        ", surtout pour les personnes âgées",
        " d'ici deux ans",
        ", financé par une taxe sur le stationnement",
        ", mais seulement après avoir consulté les voisins",
    ],
}

SHARED = Path(__file__).resolve().parents[2] / "shared" / "synthesis" / "klimarat_dev.csv"


def assembly_statements(limit: int = 400, seed: int = 7) -> list[str]:
    """A sample of accepted statements of the shared data set (empty when it is not there)."""
    if not SHARED.exists():
        return []
    with SHARED.open(encoding="utf-8", newline="") as handle:
        rows = [r["text"] for r in csv.DictReader(handle) if r.get("moderated") == "1"]
    return random.Random(seed).sample(rows, min(limit, len(rows)))


class NoteWriter:
    """Note texts for a table's theme in a phone's language."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.statements = assembly_statements()

    def text(self, theme: str, language: str) -> str:
        rng = self.rng
        if language == "de" and self.statements and rng.random() < 0.2:
            return rng.choice(self.statements)[:500]
        idea = rng.choice(IDEAS[theme])
        phrasing = rng.choice(idea[language])
        note = phrasing.format(place=rng.choice(PLACES[language])) + rng.choice(ADDITIONS[language])
        return note if rng.random() < 0.8 else note.lower()
