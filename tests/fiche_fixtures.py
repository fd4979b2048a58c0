"""A plan in the *fiche form* (one label | value table per action), written from one
description in Python data into every input format pgt reads:

- `write_text_export`: TAB-separated rows, a blank line between tables (as raw/ files);
- `write_docx`: Word, with python-docx (headings as paragraphs, a merged title row,
  Word bullets, typed `-` bullets, cells of several paragraphs);
- `convert_with_libreoffice`: the DOCX through `soffice --headless --convert-to odt|pdf`,
  as plans are made (tables break across pages, rows too);
- `scanned_pages`: a few pages of that PDF rendered at 200 dpi, slightly skewed and noised,
  back to an image-only PDF with img2pdf.

The plan is worded unlike raw/ (another territory, other thématiques, other labels): 20
fiches in four thématiques, two with their hierarchy in headings between the fiches and two
with it in rows of each fiche; several heading forms; long fiches; empty labels; bulleted
partner and indicator lists; a fiche split into two tables; a value its author went on
writing in a label-less row; labels no field names. `expected_actions` says what a perfect
reading gives, `score` measures a plan against it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pgt.structure.ledger import loose_key

TERRITOIRE = "Communauté de communes du Val de Sérène"


@dataclass
class FicheSpec:
    numero: int
    titre: str
    porteur: str
    public: str
    calendrier: str
    years: tuple[int | None, int | None]
    partenaires: list[str]
    indicateurs: list[str]
    description: list[str]  # paragraphs
    objectifs: str = ""
    moyens_humains: str = ""
    moyens_materiels: str = ""
    financement: str = ""
    budget: str = ""
    statut: str = ""
    territoire: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # labels that name no field
    long: bool = False  # description long enough for the table to break across a page
    split_tables: bool = False  # printed as two tables (author's split)
    split_value: bool = False  # description's last paragraph in a label-less row
    oo: str = ""  # `Objectif opérationnel` row (hierarchy-in-rows thématiques)


@dataclass
class OiSpec:
    numero: int
    titre: str
    fiches: list[FicheSpec]


@dataclass
class AxeSpec:
    numero: int
    titre: str
    ois: list[OiSpec]


@dataclass
class ThematiqueSpec:
    titre: str
    code: str
    axes: list[AxeSpec]
    hierarchy_in_rows: bool  # Thématique / Axe / Objectif rows in each fiche, else headings


def _long(first: str) -> list[str]:
    return [
        first,
        "Un diagnostic partagé a été conduit avec les communes du territoire et les partenaires associés ; "
        "il fait apparaître des besoins différents entre le bourg-centre et les communes rurales.",
        "Première étape : recenser l'existant, rencontrer les structures et les habitants, identifier les "
        "lieux et les créneaux disponibles dans chaque bassin de vie.",
        "Deuxième étape : construire avec les acteurs un programme d'actions annuel, le présenter au comité "
        "de pilotage de la convention et l'ajuster après chaque bilan intermédiaire.",
        "Troisième étape : communiquer largement auprès des familles par les écoles, les mairies, la presse "
        "locale et les réseaux sociaux de la communauté de communes.",
        "Une attention particulière sera portée aux familles éloignées des services, aux personnes sans moyen "
        "de transport et aux habitants qui ne maîtrisent pas l'usage des outils numériques.",
        "Le comité technique se réunit chaque trimestre pour suivre l'avancement, partager les difficultés "
        "rencontrées et proposer les ajustements nécessaires au comité de pilotage.",
        "Un bilan qualitatif et quantitatif est présenté chaque année aux élus et aux partenaires financeurs, "
        "avec les témoignages recueillis auprès des participants.",
    ]


F = FicheSpec
PLAN: list[ThematiqueSpec] = [
    ThematiqueSpec("Accès aux droits et inclusion numérique", "acces_aux_droits", hierarchy_in_rows=False, axes=[
        AxeSpec(1, "Faciliter l'accès aux droits des habitants", [
            OiSpec(1, "Rapprocher les services publics des habitants", [
                F(1, "Ouvrir un espace France Services itinérant", "Communauté de communes du Val de Sérène",
                  "Habitants des communes rurales", "2024-2026", (2024, 2026),
                  ["CAF de l'Oise", "MSA Picardie", "CPAM", "Conseil départemental"],
                  ["Nombre de permanences tenues", "Nombre de démarches accompagnées"],
                  _long("Un véhicule aménagé se rend chaque semaine dans six communes pour accompagner les "
                        "habitants dans leurs démarches administratives."),
                  objectifs="Réduire le non-recours aux droits dans les communes éloignées du bourg-centre",
                  moyens_humains="Deux conseillers France Services à temps plein",
                  moyens_materiels="Un véhicule aménagé, ordinateurs portables, connexion 4G",
                  financement="État (fonds France Services), CAF, communauté de communes",
                  budget="85 000 € par an", statut="En cours", territoire="Six communes rurales",
                  long=True),
                F(2, "Former les secrétaires de mairie au premier accueil social", "CCAS de Sérène-la-Ville",
                  "Secrétaires de mairie et agents d'accueil", "Septembre 2024 à juin 2025", (2024, 2025),
                  ["CAF de l'Oise", "Centre de gestion"],
                  ["Nombre d'agents formés", "Taux de satisfaction des stagiaires"],
                  ["Trois sessions de deux jours sur les droits et les relais du territoire."],
                  moyens_humains="Formateurs de la CAF et du CCAS", budget="", statut="À lancer",
                  extra={"Points de vigilance": "Disponibilité des agents des petites communes"}),
            ]),
            OiSpec(2, "Accompagner les usages numériques", [
                F(3, "Créer des ateliers numériques pour les seniors", "Centre social Les Tilleuls",
                  "Personnes de plus de 60 ans", "2025", (2025, 2025),
                  ["Club des aînés", "Médiathèque intercommunale", "Conférence des financeurs"],
                  ["Nombre d'ateliers réalisés", "Nombre de participants"],
                  ["Ateliers hebdomadaires en petits groupes : messagerie, démarches en ligne, visio avec les "
                   "proches."],
                  moyens_materiels="Tablettes prêtées par la médiathèque", financement="Conférence des financeurs",
                  budget="12 000 €", territoire="Sérène-la-Ville et Montaubry"),
                F(4, "Recruter un conseiller numérique mutualisé", "Communauté de communes du Val de Sérène",
                  "Tout public", "2024-2027", (2024, 2027),
                  ["Agence nationale de la cohésion des territoires", "Communes membres"],
                  ["Nombre de personnes accompagnées", "Nombre de permanences par commune"],
                  ["Le conseiller tient des permanences dans les mairies et intervient dans les structures "
                   "sociales à leur demande."],
                  moyens_humains="Un conseiller numérique", financement="ANCT et communauté de communes",
                  budget="", statut="Réalisé en partie"),
            ]),
        ]),
        AxeSpec(2, "Lutter contre le non-recours", [
            OiSpec(1, "Aller vers les publics éloignés", [
                F(5, "Organiser des rendez-vous des droits dans les quartiers", "CAF de l'Oise",
                  "Familles allocataires et non allocataires", "Chaque année de la convention (2024-2028)",
                  (2024, 2028),
                  ["Bailleurs sociaux", "Mission locale", "Associations de quartier"],
                  ["Nombre de rendez-vous des droits", "Montant des droits ouverts"],
                  ["Des journées d'information sur les droits sont organisées au pied des immeubles avec les "
                   "bailleurs.", "Chaque famille repart avec un bilan de ses droits."],
                  split_value=True, statut="En cours"),
                F(6, "Mettre en place un guide des aides locales", "CCAS de Sérène-la-Ville",
                  "Habitants et professionnels", "Premier semestre 2025", (2025, 2025),
                  ["Communes membres", "Département de l'Oise"],
                  ["Nombre de guides diffusés"],
                  ["Un guide papier et en ligne recense les aides sociales, les horaires et les contacts."],
                  budget="4 500 €", extra={"Priorité": "Haute"}),
            ]),
        ]),
    ]),
    ThematiqueSpec("Animation de la vie sociale", "animation_vie_sociale", hierarchy_in_rows=False, axes=[
        AxeSpec(3, "Soutenir les lieux de rencontre et la vie associative", [
            OiSpec(1, "Développer les centres sociaux et espaces de vie sociale", [
                F(7, "Agréer un espace de vie sociale à Montaubry", "Association Vivre à Montaubry",
                  "Habitants de Montaubry et des communes voisines", "2025-2026", (2025, 2026),
                  ["CAF de l'Oise", "Commune de Montaubry", "Fédération des centres sociaux"],
                  ["Obtention de l'agrément", "Nombre d'adhérents"],
                  _long("L'association porte un projet d'animation locale qui doit aboutir à un agrément "
                        "espace de vie sociale."),
                  moyens_humains="Un animateur coordinateur à mi-temps", moyens_materiels="Local communal rénové",
                  financement="Prestation de service AVS de la CAF", budget="30 000 € par an",
                  statut="En projet", long=True, split_tables=True),
                F(8, "Renouveler le projet social du centre social Les Tilleuls", "Centre social Les Tilleuls",
                  "Habitants du territoire", "2024", (2024, 2024),
                  ["CAF de l'Oise", "Communauté de communes du Val de Sérène"],
                  ["Nombre d'habitants consultés", "Validation du projet social"],
                  ["Diagnostic participatif, consultation des habitants et écriture du projet 2025-2028."],
                  statut=""),
            ]),
            OiSpec(2, "Encourager le bénévolat", [
                F(9, "Créer une bourse au bénévolat intercommunale", "Maison des associations",
                  "Associations et bénévoles", "2025-2028", (2025, 2028),
                  ["Associations sportives et culturelles", "Communes membres"],
                  ["Nombre de missions proposées", "Nombre de bénévoles inscrits"],
                  ["Une plateforme met en relation les associations et les habitants prêts à donner du "
                   "temps."],
                  moyens_materiels="Plateforme en ligne", budget="6 000 €"),
                F(10, "Former les bénévoles des associations", "Maison des associations",
                  "Bénévoles", "2024-2025", (2024, 2025),
                  ["Fédération des centres sociaux", "Service départemental à la jeunesse"],
                  ["Nombre de formations", "Nombre de bénévoles formés"],
                  ["Modules courts sur la gestion associative, l'accueil du public et les premiers secours."],
                  extra={"Contexte": "Renouvellement difficile des bureaux associatifs"}),
            ]),
        ]),
    ]),
    ThematiqueSpec("Jeunesse", "jeunesse", hierarchy_in_rows=True, axes=[
        AxeSpec(4, "Accompagner les jeunes vers l'autonomie", [
            OiSpec(1, "Favoriser l'engagement des jeunes", [
                F(11, "Créer un conseil intercommunal des jeunes", "Service jeunesse intercommunal",
                  "Jeunes de 12 à 17 ans", "2024-2026", (2024, 2026),
                  ["Collèges du territoire", "Communes membres"],
                  ["Nombre de jeunes élus", "Nombre de projets portés"],
                  ["Les jeunes élus proposent et conduisent des projets pour leur territoire."],
                  oo="Donner la parole aux jeunes", moyens_humains="Un animateur jeunesse", budget="8 000 €"),
                F(12, "Soutenir les projets de jeunes", "Service jeunesse intercommunal",
                  "Jeunes de 14 à 25 ans", "2025-2028", (2025, 2028),
                  ["CAF de l'Oise", "Service départemental à la jeunesse"],
                  ["Nombre de projets soutenus"],
                  ["Une aide financière et un accompagnement méthodologique pour les projets collectifs."],
                  oo="Donner la parole aux jeunes", financement="Fonds publics et territoires de la CAF",
                  statut="En cours"),
            ]),
            OiSpec(2, "Faciliter l'accès à l'emploi et à la mobilité", [
                F(13, "Développer le permis de conduire solidaire", "Mission locale du Val de Sérène",
                  "Jeunes de 16 à 25 ans en insertion", "2024-2027", (2024, 2027),
                  ["Auto-école sociale", "Département de l'Oise", "Pôle emploi"],
                  ["Nombre de jeunes inscrits", "Taux de réussite à l'examen"],
                  _long("Le dispositif finance une partie du permis en échange d'heures de bénévolat dans une "
                        "association du territoire."),
                  oo="Lever les freins à la mobilité", moyens_humains="Une conseillère de la mission locale",
                  financement="Département et communauté de communes", budget="40 000 €", long=True),
                F(14, "Ouvrir un point information jeunesse", "Commune de Sérène-la-Ville",
                  "Jeunes de 15 à 30 ans", "Rentrée 2025", (2025, 2025),
                  ["Réseau information jeunesse", "Mission locale du Val de Sérène"],
                  ["Fréquentation du point information", "Nombre d'entretiens individuels"],
                  ["Un lieu d'accueil et d'information sur l'orientation, le logement, la santé et les loisirs."],
                  oo="Lever les freins à la mobilité", moyens_materiels="Local en centre-ville",
                  territoire="Sérène-la-Ville"),
            ]),
        ]),
    ]),
    ThematiqueSpec("Logement et cadre de vie", "logement", hierarchy_in_rows=True, axes=[
        AxeSpec(5, "Améliorer les conditions de logement des familles", [
            OiSpec(1, "Prévenir les expulsions et la précarité énergétique", [
                F(15, "Repérer les situations de précarité énergétique", "CCAS de Sérène-la-Ville",
                  "Ménages aux revenus modestes", "2024-2026", (2024, 2026),
                  ["Fournisseurs d'énergie", "Espace conseil France Rénov'", "CAF de l'Oise"],
                  ["Nombre de ménages repérés", "Nombre de visites à domicile"],
                  ["Les travailleurs sociaux repèrent les ménages en difficulté et proposent une visite "
                   "conseil."],
                  oo="Repérer les ménages fragiles", statut="En cours"),
                F(16, "Créer une commission de prévention des impayés", "Communauté de communes du Val de Sérène",
                  "Locataires en difficulté", "2025", (2025, 2025),
                  ["Bailleurs sociaux", "CAF de l'Oise", "ADIL de l'Oise"],
                  ["Nombre de situations examinées", "Nombre d'expulsions évitées"],
                  ["La commission examine chaque mois les situations signalées par les bailleurs."],
                  oo="Repérer les ménages fragiles", budget="", extra={"Points de vigilance": "Secret partagé"}),
            ]),
            OiSpec(2, "Rendre le cadre de vie plus favorable aux familles", [
                F(17, "Aménager des aires de jeux dans les communes rurales", "Communes membres",
                  "Familles avec enfants", "2024-2028", (2024, 2028),
                  ["Conseil départemental", "CAF de l'Oise"],
                  ["Nombre d'aires aménagées"],
                  ["Chaque commune volontaire bénéficie d'un appui technique pour aménager une aire de jeux."],
                  oo="Créer des espaces publics adaptés aux enfants", financement="Communes et département",
                  budget="150 000 €"),
                F(18, "Installer des jardins partagés", "Centre social Les Tilleuls",
                  "Habitants des logements collectifs", "Printemps 2025 à automne 2026", (2025, 2026),
                  ["Bailleurs sociaux", "Association Les Jardiniers de Sérène"],
                  ["Nombre de parcelles cultivées", "Nombre de familles participantes"],
                  ["Des parcelles sont mises à disposition au pied des immeubles avec un animateur."],
                  oo="Créer des espaces publics adaptés aux enfants", moyens_materiels="Outillage et bacs",
                  statut="À lancer"),
                F(19, "Organiser une fête de quartier annuelle", "Association Vivre à Montaubry",
                  "Tous les habitants", "2024-2028", (2024, 2028),
                  ["Commerçants", "Associations de quartier"],
                  ["Nombre de participants"],
                  ["Une journée festive préparée avec les habitants chaque mois de juin."],
                  oo="Créer des espaces publics adaptés aux enfants", budget="3 000 € par édition"),
                F(20, "Mettre en place un comité d'usagers du logement social", "Bailleurs sociaux",
                  "Locataires", "2026", (2026, 2026),
                  ["Communauté de communes du Val de Sérène", "Amicale des locataires"],
                  ["Nombre de réunions", "Nombre de propositions retenues"],
                  ["Les locataires donnent leur avis sur l'entretien et les aménagements des résidences."],
                  oo="Créer des espaces publics adaptés aux enfants", statut="En projet"),
            ]),
        ]),
    ]),
]

@dataclass(frozen=True)
class Dialect:
    """How a plan words its labels and headings. Labels vary from one fiche to the next, as
    plans vary (fiche numero → pick); `b` is a second wording, held out from the first."""

    labels: dict[str, tuple[str, ...]]
    fiche_headings: tuple[str, ...]  # forms of the fiche heading, fiche after fiche
    thematique_heading: str
    axe_heading: str
    oi_heading: str
    thematique_label: str
    axe_row: tuple[str, str]  # label, value format
    oi_row: tuple[str, str]
    oo_label: str
    label_suffix: str = ""  # `Pilote :`
    running_header: str = ""  # the page header Word repeats on every page


DIALECTS = {
    "a": Dialect(
        labels={
            "porteur": ("Pilote", "Structure pilote", "Responsable de l'action", "Porteur de l'action"),
            "public": ("Public cible", "Bénéficiaires", "Public(s) visé(s)"),
            "calendrier": ("Calendrier", "Échéancier", "Calendrier prévisionnel"),
            "partenaires": ("Partenaires", "Partenaires associés", "Partenaire(s) mobilisé(s)"),
            "indicateurs": ("Indicateurs d'évaluation", "Indicateurs de suivi", "Critères d'évaluation"),
            "description": ("Description", "Contenu de l'action", "Description de l'action"),
            "objectifs": ("Objectifs de l'action",),
            "moyens_humains": ("Moyens humains",),
            "moyens_materiels": ("Moyens matériels", "Moyens techniques"),
            "financement": ("Financement", "Financements mobilisés"),
            "budget": ("Budget prévisionnel", "Coût estimé"),
            "statut": ("Statut", "État d'avancement"),
            "territoire": ("Territoire concerné", "Lieu"),
            "intitule": ("Intitulé de l'action",),
        },
        fiche_headings=("Fiche action n°{n} – {titre}", "FICHE ACTION {n} : {titre}", "row:Fiche action n°{n} : {titre}",
                        "intitule:Fiche action n°{n}", "FA {n} – {titre}"),
        thematique_heading="Thématique : {titre}", axe_heading="AXE {axe} – {titre}",
        oi_heading="Objectif stratégique {axe}.{oi} : {titre}",
        thematique_label="Thématique", axe_row=("Axe stratégique", "Axe {axe} : {titre}"),
        oi_row=("Objectif stratégique", "{axe}.{oi} – {titre}"), oo_label="Objectif(s) opérationnel(s)",
    ),
    "b": Dialect(
        labels={
            "porteur": ("Référent", "Maître d'ouvrage", "Coordination : structure pilote"),
            "public": ("Public concerné", "Cibles", "Public"),
            "calendrier": ("Période de réalisation", "Durée", "Calendrier de mise en œuvre", "Dates"),
            "partenaires": ("Acteurs mobilisés", "Partenaires financeurs", "Partenariats"),
            "indicateurs": ("Modalités d'évaluation", "Indicateurs de résultat", "Évaluation"),
            "description": ("Contenu", "Modalités de mise en œuvre", "Déroulement"),
            "objectifs": ("Objectif(s) de la fiche", "Finalités"),
            "moyens_humains": ("Ressources humaines",),
            "moyens_materiels": ("Ressources matérielles", "Outils"),
            "financement": ("Plan de financement", "Financeurs"),
            "budget": ("Coût", "Montant estimé", "Budget"),
            "statut": ("Avancement", "Statut de l'action"),
            "territoire": ("Localisation", "Périmètre"),
            "intitule": ("Libellé", "Nom de l'action"),
        },
        fiche_headings=("Action n°{n} : {titre}", "N° {n} – {titre}", "row:FICHE-ACTION N°{n} – {titre}",
                        "intitule:FICHE N° {n}", "Fiche-action {n}. {titre}"),
        thematique_heading="THÉMATIQUE {t} – {titre_upper}", axe_heading="ENJEU {axe} : {titre}",
        oi_heading="Sous-axe {axe}.{oi} – {titre}",
        thematique_label="Domaine", axe_row=("Enjeu", "{axe} – {titre}"),
        oi_row=("Objectif général", "{titre}"), oo_label="Objectif spécifique",
        label_suffix=" :", running_header=f"CTG 2024-2028 – {TERRITOIRE} – Plan d'actions",
    ),
}


def _pick(dialect: Dialect, kind: str, numero: int) -> str:
    options = dialect.labels[kind]
    return options[numero % len(options)] + dialect.label_suffix


def heading_form(fiche: FicheSpec, dialect: Dialect) -> str:
    return dialect.fiche_headings[(fiche.numero - 1) % len(dialect.fiche_headings)]


# ---- the document as blocks ---------------------------------------------------------------------
@dataclass
class Paragraph:
    text: str
    level: int = 2  # heading level in Word


@dataclass
class Row:
    label: str
    value: list[str]  # paragraphs of the value cell
    bullets: str = ""  # "typed": `- ` typed before each item; "word": Word's List Bullet style
    merged: bool = False  # one cell across the table (a title row)


@dataclass
class Table:
    rows: list[Row]


def blocks(dialect: Dialect = DIALECTS["a"]) -> list[Paragraph | Table]:
    out: list[Paragraph | Table] = [Paragraph(f"Convention Territoriale Globale 2024-2028 – {TERRITOIRE}", 0),
                                    Paragraph("Plan d'actions", 1)]
    for number, thematique in enumerate(PLAN, start=1):
        if not thematique.hierarchy_in_rows:
            out.append(Paragraph(dialect.thematique_heading.format(t=number, titre=thematique.titre,
                                                                   titre_upper=thematique.titre.upper()), 1))
        for axe in thematique.axes:
            if not thematique.hierarchy_in_rows:
                out.append(Paragraph(dialect.axe_heading.format(axe=axe.numero, titre=axe.titre), 1))
            for oi in axe.ois:
                if not thematique.hierarchy_in_rows:
                    out.append(Paragraph(dialect.oi_heading.format(axe=axe.numero, oi=oi.numero, titre=oi.titre), 2))
                for fiche in oi.fiches:
                    out.extend(_fiche_blocks(thematique, axe, oi, fiche, dialect))
    return out


def _fiche_blocks(thematique: ThematiqueSpec, axe: AxeSpec, oi: OiSpec, fiche: FicheSpec,
                  dialect: Dialect) -> list[Paragraph | Table]:
    n = fiche.numero
    form = heading_form(fiche, dialect)
    out: list[Paragraph | Table] = []
    rows: list[Row] = []
    suffix = dialect.label_suffix
    if form.startswith("row:"):
        rows.append(Row(form[4:].format(n=n, titre=fiche.titre), [], merged=True))
    elif form.startswith("intitule:"):
        out.append(Paragraph(form[9:].format(n=n), 3))
        rows.append(Row(_pick(dialect, "intitule", n), [fiche.titre]))
    else:
        out.append(Paragraph(form.format(n=n, titre=fiche.titre), 3))
    if thematique.hierarchy_in_rows:
        rows.append(Row(dialect.thematique_label + suffix, [thematique.titre]))
        rows.append(Row(dialect.axe_row[0] + suffix, [dialect.axe_row[1].format(axe=axe.numero, titre=axe.titre)]))
        rows.append(Row(dialect.oi_row[0] + suffix, [dialect.oi_row[1].format(axe=axe.numero, oi=oi.numero,
                                                                              titre=oi.titre)]))
        if fiche.oo:
            rows.append(Row(dialect.oo_label + suffix, [fiche.oo]))
    description = fiche.description
    if fiche.split_value:
        rows.append(Row(_pick(dialect, "description", n), description[:-1]))
        rows.append(Row("", description[-1:]))
    else:
        rows.append(Row(_pick(dialect, "description", n), description))
    if fiche.objectifs:
        rows.append(Row(_pick(dialect, "objectifs", n), [fiche.objectifs]))
    rows.append(Row(_pick(dialect, "public", n), [fiche.public]))
    rows.append(Row(_pick(dialect, "porteur", n), [fiche.porteur]))
    split_at = len(rows)
    rows.append(Row(_pick(dialect, "partenaires", n), fiche.partenaires, bullets="typed"))
    if fiche.moyens_humains:
        rows.append(Row(_pick(dialect, "moyens_humains", n), [fiche.moyens_humains]))
    if fiche.moyens_materiels:
        rows.append(Row(_pick(dialect, "moyens_materiels", n), [fiche.moyens_materiels]))
    if fiche.financement:
        rows.append(Row(_pick(dialect, "financement", n), [fiche.financement]))
    rows.append(Row(_pick(dialect, "budget", n), [fiche.budget] if fiche.budget else []))  # empty label kept
    rows.append(Row(_pick(dialect, "calendrier", n), [fiche.calendrier]))
    if fiche.territoire:
        rows.append(Row(_pick(dialect, "territoire", n), [fiche.territoire]))
    rows.append(Row(_pick(dialect, "indicateurs", n), fiche.indicateurs, bullets="word" if n % 2 else "typed"))
    rows.append(Row(_pick(dialect, "statut", n), [fiche.statut] if fiche.statut else []))
    for label, value in fiche.extra.items():
        rows.append(Row(label, [value]))
    if fiche.split_tables:
        out += [Table(rows[:split_at]), Table(rows[split_at:])]
    else:
        out.append(Table(rows))
    return out


# ---- what a perfect reading gives ------------------------------------------------------------------
def expected_actions() -> list[dict]:
    actions = []
    for thematique in PLAN:
        for axe in thematique.axes:
            for oi in axe.ois:
                for fiche in oi.fiches:
                    actions.append({
                        "thematique": thematique.code, "axe": axe.numero, "oi": oi.numero,
                        "numero": fiche.numero, "titre": fiche.titre,
                        "porteur": fiche.porteur, "public_vise": fiche.public, "echeances": fiche.calendrier,
                        "partenaires": fiche.partenaires, "indicateurs": fiche.indicateurs,
                        "description": "\n".join(fiche.description), "objectifs": fiche.objectifs or None,
                        "moyens_humains": fiche.moyens_humains or None,
                        "moyens_techniques": fiche.moyens_materiels or None,
                        "moyens_financiers": fiche.financement or None, "budget_texte": fiche.budget or None,
                        "statut": fiche.statut or None, "territoire": fiche.territoire or None,
                        "autres": dict(fiche.extra),
                        "annee_debut": fiche.years[0], "annee_fin": fiche.years[1],
                    })
    return actions


SCORED_FIELDS = ("titre", "thematique", "axe", "oi", "porteur", "public_vise", "echeances", "partenaires",
                 "indicateurs", "description", "objectifs", "moyens_humains", "moyens_techniques",
                 "moyens_financiers", "budget_texte", "statut", "territoire", "autres")


@dataclass
class Score:
    expected: int
    produced: int
    matched: int
    fields_right: int
    fields_total: int
    years_right: int
    years_total: int
    wrong: list[str]

    @property
    def found(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.produced if self.produced else 0.0

    @property
    def fields(self) -> float:
        return self.fields_right / self.fields_total if self.fields_total else 1.0

    @property
    def years(self) -> float:
        return self.years_right / self.years_total if self.years_total else 1.0

    def line(self) -> str:
        return (f"actions found {self.matched}/{self.expected} ({self.found:.1%}), precision "
                f"{self.precision:.1%}, fields {self.fields_right}/{self.fields_total} ({self.fields:.1%}), "
                f"years {self.years_right}/{self.years_total} ({self.years:.1%})")


def _text_key(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(loose_key(v) for v in value)
    if isinstance(value, dict):
        return " | ".join(f"{loose_key(k)}={loose_key(v)}" for k, v in sorted(value.items()))
    return loose_key(str(value))


def score(plan, expected: list[dict] | None = None, partial: frozenset[int] = frozenset()) -> Score:  # noqa: ANN001
    """Actions of `plan` against the description: paired by number (else by title), then
    every scored field compared loosely (case, accents, punctuation, spacing ignored).
    `partial`: numbers of fiches only partly in the document (a scan of some pages): they
    count as actions, their fields are not scored."""
    expected = expected_actions() if expected is None else expected
    produced = [(t, axe, oi, a) for t, axe, oi, a in plan.walk_actions()]
    by_numero = {a.numero: (t, axe, oi, a) for t, axe, oi, a in produced if a.numero is not None}
    by_title = {loose_key(a.titre or ""): (t, axe, oi, a) for t, axe, oi, a in produced}
    matched = right = total = years_right = years_total = 0
    wrong: list[str] = []
    for want in expected:
        found = by_numero.get(want["numero"]) or by_title.get(loose_key(want["titre"]))
        if found is None:
            wrong.append(f"fiche {want['numero']}: not found")
            continue
        matched += 1
        thematique, axe, oi, action = found
        if want["numero"] in partial:
            continue
        got = {"thematique": thematique.code, "axe": axe.numero, "oi": oi.numero if oi else None,
               **{name: getattr(action, name) for name in SCORED_FIELDS if hasattr(action, name)}}
        for name in SCORED_FIELDS:
            total += 1
            if _text_key(got.get(name)) == _text_key(want[name]):
                right += 1
            else:
                wrong.append(f"fiche {want['numero']} {name}: {got.get(name)!r} != {want[name]!r}")
        for name in ("annee_debut", "annee_fin"):
            years_total += 1
            if getattr(action, name) == want[name]:
                years_right += 1
            else:
                wrong.append(f"fiche {want['numero']} {name}: {getattr(action, name)!r} != {want[name]!r}")
    return Score(len(expected), len(produced), matched, right, total, years_right, years_total, wrong)


# ---- writers ---------------------------------------------------------------------------------------
def _cell_text(row: Row) -> str:
    items = [f"- {v}" if row.bullets else v for v in row.value]
    return "<br>".join(items)


def write_text_export(target: Path, dialect: str = "a") -> Path:
    """TAB-separated rows, a blank line between tables, headings as lines (as raw/ files)."""
    lines: list[str] = []
    for block in blocks(DIALECTS[dialect]):
        if isinstance(block, Paragraph):
            lines += ["", block.text]
            continue
        lines.append("")
        for row in block.rows:
            lines.append(f"{row.label}\t" if row.merged else f"{row.label}\t{_cell_text(row)}")
    target.write_text("\n".join(lines).lstrip("\n") + "\n", encoding="utf-8")
    return target


def write_docx(target: Path, dialect: str = "a") -> Path:
    """The plan as Word writes it: headings, one two-column table per fiche."""
    import docx
    from docx.shared import Cm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(10.5)
    if DIALECTS[dialect].running_header:  # printed at the top of every page, inside fiches cut by a break
        document.sections[0].header.paragraphs[0].text = DIALECTS[dialect].running_header
    for block in blocks(DIALECTS[dialect]):
        if isinstance(block, Paragraph):
            document.add_heading(block.text, level=block.level)
            continue
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for row in block.rows:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Cm(4.5), Cm(12)
            if row.merged:
                merged = cells[0].merge(cells[1])
                run = merged.paragraphs[0].add_run(row.label)
                run.bold = True
                continue
            label_run = cells[0].paragraphs[0].add_run(row.label)
            label_run.bold = True
            for index, value in enumerate(row.value):
                paragraph = cells[1].paragraphs[0] if index == 0 else cells[1].add_paragraph()
                if row.bullets == "word":
                    paragraph.style = document.styles["List Bullet"]
                    paragraph.add_run(value)
                else:
                    paragraph.add_run(f"- {value}" if row.bullets else value)
        document.add_paragraph()  # Word keeps two tables apart only with a paragraph between them
    document.save(str(target))
    return target


def convert_with_libreoffice(source: Path, fmt: str, folder: Path) -> Path:
    """`soffice --headless --convert-to <fmt>`, with a private profile (tests run in
    parallel on a shared machine: LibreOffice locks its default profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: run scripts/setup.sh")
    with tempfile.TemporaryDirectory(prefix="pgt-lo-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
             "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=240, env={**os.environ, "HOME": profile},
        )
    result = folder / f"{source.stem}.{fmt}"
    if not result.exists():
        raise RuntimeError(f"LibreOffice wrote no {fmt} for {source}")
    return result


SCAN_SKEWS = (-0.15, 0.2, -0.1)  # degrees, page after page (at 0.3° the OCR reader cuts spurious columns)


def scanned_pages(source: Path, target: Path, pages: list[int], dpi: int = 200, seed: int = 7) -> Path:
    """An image-only PDF of `pages` (1-based) of `source`, as a scanner makes it: grey,
    slightly rotated (SCAN_SKEWS), with grain and speckles."""
    import img2pdf
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    noise = np.random.default_rng(seed)
    document = pdfium.PdfDocument(str(source))
    images = []
    try:
        for position, number in enumerate(pages):
            image = document[number - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(SCAN_SKEWS[position % len(SCAN_SKEWS)], resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = np.asarray(image, dtype=np.int16)
            pixels = pixels + noise.normal(0, 9, pixels.shape).astype(np.int16)
            speckles = noise.random(pixels.shape) < 0.0008
            pixels[speckles] = 40
            buffer = io.BytesIO()
            Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, format="PNG", dpi=(dpi, dpi))
            images.append(buffer.getvalue())
    finally:
        document.close()
    target.write_bytes(img2pdf.convert(images))
    return target
