"""Small plan documents for the overrides tests (worded unlike raw/): a jeunesse detail
table with two actions, an enfance one whose action has two offers."""

from __future__ import annotations

from pathlib import Path

HEADER = ("ACTIONS\tOO\tPORTEUR DE PROJETS\tPUBLIC VISE\tECHEANCES DE REALISATION CALENDRIER\tPARTENAIRES\t"
          "HUMAINS\tTECHNIQUES\tFINANCIERS\tINDICATEURS EVALUATION")
JEUNESSE = (
    "THEMATIQUE JEUNESSE\n\nAXE STRATEGIQUE II\nAccompagner les jeunes vers l'autonomie\n\n"
    "OBJECTIF INTERMEDIAIRE 3\nFaciliter la mobilité des jeunes\n\n"
    "OBJECTIFS OPERATIONNELS\t1\tOO1. Informer sur les transports\t\t\n\t2\tOO2. Aider au permis de conduire\t\t\n"
    f"{HEADER}\n"
    "4. Créer une bourse au permis de conduire\t2\tPoint Information Jeunesse de Tartas\tjeunes de 16 à 25 ans\t"
    "2024-2026\tAuto-écoles, Région\tun animateur\t\t\tNombre de permis\n"
    "5. Publier un guide des transports en commun\t1\tService jeunesse\tlycéens\t2025\tRégion\t\t\t\t"
    "Nombre de guides distribués\n"
)
OFFRE_HEADER = ("ACTIONS\tOO\texemple d'offres existantes ou envisagées (liste non exhaustive)\tPORTEUR DE PROJETS\t"
                "PUBLIC VISE\tECHEANCES DE REALISATION CALENDRIER\tPARTENAIRES\tMOYENS – LEVIERS D'ACTIONS\t\t\t"
                "PARCOURS PERISCOLAIRE ET EXTRASCOLAIRE\tINDICATEURS EVALUATION\n"
                "\t\t\t\t\t\t\tHUMAINS\tTECHNIQUES\tFINANCIERS\t\t")
ENFANCE = (
    "THEMATIQUE ENFANCE\n\nAXE STRATEGIQUE I\nOuvrir les enfants aux sciences\n\n"
    "OBJECTIF INTERMEDIAIRE 2\nFaire découvrir la nature\n\n"
    "OBJECTIFS OPERATIONNELS\t1\tOO1. Découvrir la forêt\t\t\n"
    f"{OFFRE_HEADER}\n"
    "3. Organiser des classes vertes\t1\tSéjour en forêt landaise\tOffice National des Forêts\tCM1\t2023\t"
    "Communes\tanimateurs nature\tbus\tSubvention\tJe découvre\tNombre de séjours\n"
    "\t\tAtelier jardin\tJardins partagés\tCE2\t\tAssociation de quartier\tbénévoles\t\t\t\tNombre d'ateliers\n"
)


def write_plan(folder: Path, *, enfance: bool = True) -> Path:
    """The documents into `folder` (created), returned."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jeunesse.txt").write_text(JEUNESSE, encoding="utf-8")
    if enfance:
        (folder / "enfance.txt").write_text(ENFANCE, encoding="utf-8")
    return folder
