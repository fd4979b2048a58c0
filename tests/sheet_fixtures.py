"""Plans kept in spreadsheets, written by the tests themselves (no committed binaries), and
the score of a converted plan against what was written.

`plan_spec(seed)` draws a plan (axes, objectifs, actions with their fields) worded unlike
raw/ and unlike the Territoires en Transitions corpus; the writers lay it out the ways
plans are kept: a workbook with the hierarchy in columns (title row, merged group headers,
a row of hints, merged axe cells, an instructions sheet and a hidden list sheet), a workbook
with section rows, CSV in Excel's French dialect (`;`, cp1252, multi-line cells) and in the
UTF-8 / `,` one, a Word table. `score()` measures actions found, precision, fields and years.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from pgt.settings.headers import fold

AXES = [
    ("Habiter un territoire sobre", ["Rénover les logements anciens", "Accompagner les copropriétés"]),
    ("Se déplacer autrement", ["Développer le covoiturage", "Sécuriser les itinéraires cyclables",
                               "Renforcer les transports scolaires"]),
    ("Produire et consommer local", ["Soutenir les circuits courts"]),
    ("Prendre soin des habitants", ["Prévenir l'isolement des aînés", "Favoriser l'accès aux droits"]),
]
VERBS = ["Créer", "Organiser", "Déployer", "Animer", "Financer", "Recenser", "Former", "Installer", "Publier",
         "Ouvrir", "Mettre en place", "Accompagner"]
OBJECTS = ["un guichet unique de la rénovation", "des ateliers de réparation de vélos", "une plateforme de covoiturage",
           "un marché de producteurs", "des permanences d'accès aux droits", "un réseau de bénévoles",
           "une carte des pistes cyclables", "des visites à domicile", "un jardin partagé", "une ressourcerie",
           "un point d'information jeunesse", "des navettes vers la gare", "une épicerie solidaire",
           "un annuaire des artisans", "des bornes de recharge", "un forum de l'emploi local"]
PLACES = ["dans les bourgs", "au centre social", "en lien avec les écoles", "sur tout le territoire",
          "avec les communes voisines", "pour les familles", "dans les quartiers prioritaires"]
PORTEURS = ["Communauté de communes", "Mairie de Valence-sur-Rhône", "Centre social Les Tilleuls", "CCAS",
            "Syndicat mixte des transports", "Office de tourisme"]
PARTENAIRES = ["ADEME", "Région", "Département", "CAF", "Chambre d'agriculture", "Mission locale",
               "associations locales", "bailleurs sociaux", "ARS"]
PUBLICS = ["Habitants", "Familles", "Seniors", "Jeunes de 16 à 25 ans", "Agriculteurs", "Entreprises"]
STATUTS = ["À venir", "En cours", "Réalisé", "En retard"]


@dataclass
class ExpectedAction:
    axe: int
    axe_titre: str
    oi: int
    oi_titre: str
    numero: int
    titre: str
    porteur: str
    partenaires: list[str]
    public_vise: str
    description: str
    statut: str
    budget: float | None
    date_debut: date | None
    date_fin: date | None

    @property
    def years(self) -> tuple[int | None, int | None]:
        return (self.date_debut.year if self.date_debut else None, self.date_fin.year if self.date_fin else None)


@dataclass
class PlanSpec:
    title: str
    actions: list[ExpectedAction] = field(default_factory=list)


def plan_spec(seed: int, n_actions: int = 36) -> PlanSpec:
    rng = random.Random(seed)
    spec = PlanSpec(title=f"Plan d'actions de la Vallée {2024 + seed % 3}-{2030 + seed % 3}")
    titles: set[str] = set()
    for numero in range(1, n_actions + 1):
        axe = rng.randrange(len(AXES))
        oi = rng.randrange(len(AXES[axe][1]))
        while True:
            titre = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"
            if titre not in titles:
                titles.add(titre)
                break
        start = date(2025 + rng.randrange(3), 1 + rng.randrange(12), 1 + rng.randrange(28))
        end = date(start.year + 1 + rng.randrange(4), 1 + rng.randrange(12), 1 + rng.randrange(28))
        spec.actions.append(ExpectedAction(
            axe=axe + 1, axe_titre=AXES[axe][0], oi=oi + 1, oi_titre=AXES[axe][1][oi], numero=numero, titre=titre,
            porteur=rng.choice(PORTEURS), partenaires=rng.sample(PARTENAIRES, rng.randrange(1, 4)),
            public_vise=rng.choice(PUBLICS),
            description=f"L'action vise à {titre[0].lower()}{titre[1:]}.\nElle s'appuie sur un comité de suivi annuel.",
            statut=rng.choice(STATUTS), budget=float(rng.randrange(1, 400) * 500) if rng.random() < 0.8 else None,
            date_debut=start if rng.random() < 0.9 else None, date_fin=end if rng.random() < 0.9 else None,
        ))
    # the hierarchy in print order: axes, then objectifs, then actions
    spec.actions.sort(key=lambda a: (a.axe, a.oi, a.numero))
    return spec


# ---- writers ------------------------------------------------------------------------------------
def _date_cell(value: date | None, style: int):
    """A date as a spreadsheet holds it: a typed date, French text, or a bare serial."""
    if value is None:
        return None
    if style == 0:
        return value
    if style == 1:
        return value.strftime("%d/%m/%Y")
    return (value - date(1899, 12, 30)).days


def _budget_cell(value: float | None, style: int):
    if value is None:
        return None
    return value if style != 1 else f"{int(value):,} €".replace(",", " ")


def workbook_with_columns(spec: PlanSpec, path: Path) -> Path:
    """Hierarchy in columns, axe cells merged over their rows, two header rows, a hint row."""
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "Lisez-moi"
    guide["A1"] = "Comment remplir ce tableau"
    guide["A2"] = "Une ligne par action ; ne modifiez pas l'ordre des colonnes."
    sheet = book.create_sheet("Plan d'actions")
    headers = ["Orientation", "Objectif stratégique", "N°", "Intitulé de l'action", "Pilote", "Partenaires",
               "Public cible", "Description", "État d'avancement", "Coût estimé", "Début", "Fin", "Commentaire"]
    sheet["A1"] = spec.title
    sheet["A2"], sheet["D2"], sheet["I2"] = "Identification", "Pilotage", "Suivi"
    sheet.merge_cells("A2:C2")
    sheet.merge_cells("D2:H2")
    sheet.merge_cells("I2:M2")
    for column, text in enumerate(headers, start=1):
        sheet.cell(row=3, column=column, value=text)
    hints = ["Champ texte", "Champ texte", "Champ numérique", "Texte court", "Champ texte (séparateur virgule)",
             "Champ texte (séparateur virgule)", "Liste déroulante", "Texte libre", "Liste déroulante",
             "Saisissez un nombre", "Format JJ/MM/AAAA", "Format JJ/MM/AAAA", "Texte libre"]
    for column, text in enumerate(hints, start=1):
        sheet.cell(row=4, column=column, value=text)
    row = 5
    runs: dict[int, list[int]] = {}
    for index, action in enumerate(spec.actions):
        runs.setdefault(action.axe, []).append(row)
        first_of_axe = runs[action.axe][0] == row
        values = [f"Axe {action.axe} - {action.axe_titre}" if first_of_axe else None,
                  f"{action.axe}.{action.oi} {action.oi_titre}", action.numero, action.titre, action.porteur,
                  ", ".join(action.partenaires), action.public_vise, action.description, action.statut,
                  _budget_cell(action.budget, index % 3), _date_cell(action.date_debut, index % 3),
                  _date_cell(action.date_fin, (index + 1) % 3), None]
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=row, column=column, value=value)
        row += 1
    for rows in runs.values():
        if len(rows) > 1:
            sheet.merge_cells(f"A{rows[0]}:A{rows[-1]}")
    lists = book.create_sheet("Valeurs")
    for offset, statut in enumerate(STATUTS, start=1):
        lists.cell(row=offset, column=1, value=statut)
    lists.sheet_state = "hidden"
    book.save(path)
    return path


def workbook_with_sections(spec: PlanSpec, path: Path) -> Path:
    """No hierarchy columns: section rows (`AXE 2 – …`, `2.1 …`) between the action rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Actions"
    headers = ["Action", "Porteur", "Partenaires", "Public visé", "Descriptif", "Statut", "Budget",
               "Date de début", "Date de fin"]
    for column, text in enumerate(headers, start=1):
        sheet.cell(row=1, column=column, value=text)
    row, axe, oi = 2, None, None
    for index, action in enumerate(spec.actions):
        if action.axe != axe:
            sheet.cell(row=row, column=1, value=f"AXE {action.axe} – {action.axe_titre}")
            sheet.merge_cells(f"A{row}:{get_column_letter(len(headers))}{row}")
            row, axe, oi = row + 1, action.axe, None
        if action.oi != oi:
            sheet.cell(row=row, column=1, value=f"{action.axe}.{action.oi} {action.oi_titre}")
            row, oi = row + 1, action.oi
        values = [f"{action.numero}. {action.titre}", action.porteur, ", ".join(action.partenaires),
                  action.public_vise, action.description, action.statut, _budget_cell(action.budget, index % 2),
                  _date_cell(action.date_debut, index % 3), _date_cell(action.date_fin, 1)]
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=row, column=column, value=value)
        row += 1
    book.save(path)
    return path


VARIANT_HEADERS = {
    "thematique": ["Thématique", "Domaine"], "axe": ["Axe stratégique", "Orientation", "Enjeu", "Axe"],
    "oi": ["Objectif stratégique", "Sous-axe", "Objectif général"], "numero": ["N°", "Réf.", "Fiche n°"],
    "titre": ["Libellé de l'action", "Intitulé", "Nom de l'action", "Action"],
    "porteur": ["Responsable", "Pilote de l'action", "Maître d'ouvrage", "Porteur"],
    "partenaires": ["Partenaires associés", "Partenaire(s)", "Partenaires"],
    "public_vise": ["Publics", "Bénéficiaires", "Public visé"],
    "description": ["Contenu", "Description", "Descriptif de l'action"],
    "statut": ["Avancement", "État", "Statut de l'action"],
    "budget": ["Montant total", "Coût prévisionnel", "Budget (€)", "Coût total (€ TTC)"],
    "date_debut": ["Démarrage", "Date de démarrage", "Début"], "date_fin": ["Achèvement", "Date prévisionnelle de fin", "Fin"],
}
THEMATIQUE_OF_AXE = {1: "Transition écologique", 2: "Transition écologique", 3: "Solidarités", 4: "Solidarités"}


def workbook_variant(spec: PlanSpec, path: Path, seed: int = 0) -> Path:
    """Other header wordings, columns in another order, a Thématique column."""
    rng = random.Random(seed)
    fields = list(VARIANT_HEADERS)
    rng.shuffle(fields)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Suivi"
    for column, name in enumerate(fields, start=1):
        sheet.cell(row=1, column=column, value=rng.choice(VARIANT_HEADERS[name]))
    for row, action in enumerate(spec.actions, start=2):
        values = {
            "thematique": THEMATIQUE_OF_AXE[action.axe], "axe": f"Axe {action.axe} : {action.axe_titre}",
            "oi": f"{action.axe}.{action.oi} - {action.oi_titre}", "numero": action.numero, "titre": action.titre,
            "porteur": action.porteur, "partenaires": ", ".join(action.partenaires),
            "public_vise": action.public_vise, "description": action.description, "statut": action.statut,
            "budget": _budget_cell(action.budget, row % 2), "date_debut": _date_cell(action.date_debut, row % 3),
            "date_fin": _date_cell(action.date_fin, (row + 2) % 3),
        }
        for column, name in enumerate(fields, start=1):
            if values[name] is not None:
                sheet.cell(row=row, column=column, value=values[name])
    book.save(path)
    return path


TET_HEADERS = ["Axe (x)", "Sous-axe (x.x)", "Sous-sous axe (x.x.x)", "Titre de l'action", "Titre de la sous-action",
               "Descriptif", "Instances de gouvernance", "Objectifs", "Indicateurs liés", "Structure pilote",
               "Moyens humains et techniques", "Partenaires ", "Direction ou service pilote", "Personne pilote",
               "Élu·e référent·e ", "Participation Citoyenne", "Financements", "Financeur 1", "Montant € HT",
               "Financeur 2", "Montant € HT", "Financeur 3", "Montant € HT", "Budget prévisionnel total € HT",
               "Statut ", "Niveau de priorité", "Date de début", "Date de fin", "Action en amélioration continue",
               "Calendrier", "Actions liées", "Fiches des plans liées", "Notes de suivi", "Etapes de la fiche action",
               "Notes complémentaires", "Documents et liens"]


def sparse(spec: PlanSpec, seed: int) -> PlanSpec:
    """The same plan with half of its cells left empty, as workbooks are filled."""
    rng = random.Random(seed)
    thinned = PlanSpec(spec.title)
    for action in spec.actions:
        kept = {name: (value if rng.random() < 0.5 else (None if not isinstance(value, list) else []))
                for name, value in vars(action).items()
                if name in ("porteur", "partenaires", "public_vise", "description", "statut", "budget", "date_debut",
                            "date_fin")}
        thinned.actions.append(ExpectedAction(**{**vars(action), **kept}))
    return thinned


def workbook_tet(spec: PlanSpec, path: Path) -> Path:
    """The Territoires en Transitions import layout: instructions sheet, group row, header,
    field-type hints, one row per action (sparse), list sheet. It has no `Cibles` column: the
    plan's public visé is not written (and no longer expected)."""
    for action in spec.actions:
        action.public_vise = None
    book = openpyxl.Workbook()
    book.active.title = "Mode demploi"
    book.active["B1"] = "Importer un plan d'action sur la plateforme"
    book.active["B3"] = "➜ À savoir : chaque ligne correspond à la création d'une fiche."
    sheet = book.create_sheet("Fichier dimport")
    sheet["A1"], sheet["G1"], sheet["Q1"] = spec.title, "Objectifs et indicateurs", "Modalités de mise en oeuvre "
    sheet.merge_cells("G1:H1")
    for column, text in enumerate(TET_HEADERS, start=1):
        sheet.cell(row=2, column=column, value=text)
        sheet.cell(row=3, column=column, value="Champ texte\n(séparateur virgule)" if column in (10, 12) else
                   "Champ date" if column in (27, 28) else "Champ numérique" if column == 24 else "Champ texte")
    for row, action in enumerate(spec.actions, start=4):
        values = {1: f"{action.axe}. {action.axe_titre}", 2: f"{action.axe}.{action.oi} {action.oi_titre}",
                  4: f"{action.numero}. {action.titre}", 6: action.description, 10: action.porteur,
                  12: ", ".join(action.partenaires) or None, 24: action.budget, 25: action.statut,
                  27: _date_cell(action.date_debut, row % 2), 28: _date_cell(action.date_fin, row % 3),
                  26: "Moyen" if row % 4 == 0 else None}
        for column, value in values.items():
            if value is not None:
                sheet.cell(row=row, column=column, value=value)
    lists = book.create_sheet("Listes déroulantes")
    for offset, statut in enumerate(STATUTS, start=1):
        lists.cell(row=offset, column=1, value=statut)
    book.save(path)
    return path


CSV_HEADERS = ["Axe", "Sous-axe", "Titre de l'action", "Structure pilote", "Partenaires", "Cibles", "Descriptif",
               "Statut", "Budget prévisionnel total € HT", "Date de début", "Date de fin"]


def _csv_records(spec: PlanSpec, decimal: str) -> list[list[str]]:
    records = [CSV_HEADERS]
    for action in spec.actions:
        budget = "" if action.budget is None else f"{action.budget:,.2f}".replace(",", " ").replace(".", decimal)
        records.append([
            f"{action.axe}. {action.axe_titre}", f"{action.axe}.{action.oi}. {action.oi_titre}",
            f"{action.numero}. {action.titre}", action.porteur, ", ".join(action.partenaires), action.public_vise,
            action.description, action.statut, budget,
            action.date_debut.strftime("%d/%m/%Y") if action.date_debut else "",
            action.date_fin.strftime("%d/%m/%Y") if action.date_fin else "",
        ])
    return records


def csv_excel_french(spec: PlanSpec, path: Path, encoding: str = "cp1252") -> Path:
    """What Excel writes in a French locale: `;`, CRLF, the Windows code page (or UTF-8 with a
    BOM), multi-line cells quoted, decimal comma."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(_csv_records(spec, ","))
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def csv_comma_utf8(spec: PlanSpec, path: Path) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(_csv_records(spec, "."))
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def docx_table(spec: PlanSpec, path: Path) -> Path:
    """The same layout as a Word table: a title paragraph, one header row, one row per action."""
    import docx

    document = docx.Document()
    document.add_paragraph(spec.title)
    records = _csv_records(spec, ",")
    table = document.add_table(rows=len(records), cols=len(CSV_HEADERS))
    for r, record in enumerate(records):
        for c, text in enumerate(record):
            table.cell(r, c).text = text
    document.save(path)
    return path


# ---- scoring ------------------------------------------------------------------------------------
@dataclass
class Score:
    expected: int
    produced: int
    found: int
    fields_right: int
    fields_total: int
    years_right: int
    years_total: int
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected

    @property
    def precision(self) -> float:
        return self.found / self.produced if self.produced else 0.0

    @property
    def fields(self) -> float:
        return self.fields_right / self.fields_total

    @property
    def years(self) -> float:
        return self.years_right / self.years_total if self.years_total else 1.0


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    return a == b


def score(plan, spec: PlanSpec) -> Score:  # noqa: ANN001 - a pgt Plan
    produced = {fold(a.titre or ""): (axe, oi, a) for _, axe, oi, a in plan.walk_actions()}
    result = Score(len(spec.actions), len(produced), 0, 0, 0, 0, 0)
    for want in spec.actions:
        got = produced.get(fold(want.titre))
        if got is None:
            result.misses.append(f"action not found: {want.titre}")
            continue
        axe, oi, action = got
        result.found += 1
        checks = {
            "axe": (axe.numero if axe else None, want.axe), "axe_titre": (axe.titre if axe else None, want.axe_titre),
            "oi": (oi.numero if oi else None, want.oi), "oi_titre": (oi.titre if oi else None, want.oi_titre),
            "numero": (action.numero, want.numero), "porteur": (action.porteur, want.porteur),
            "partenaires": (sorted(action.partenaires), sorted(want.partenaires)),
            "public_vise": (action.public_vise, want.public_vise), "description": (action.description, want.description),
            "statut": (action.statut, want.statut), "budget": (action.budget, want.budget),
            "date_debut": (action.date_debut, want.date_debut), "date_fin": (action.date_fin, want.date_fin),
        }
        for name, (value, expected) in checks.items():
            if expected is None:
                continue
            result.fields_total += 1
            if _same(value, expected):
                result.fields_right += 1
            else:
                result.misses.append(f"{want.titre}: {name} {value!r} ≠ {expected!r}")
        for value, expected in zip((action.annee_debut, action.annee_fin), want.years):
            if expected is not None:
                result.years_total += 1
                result.years_right += value == expected
    return result
