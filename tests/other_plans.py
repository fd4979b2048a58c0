"""Plans of other (made-up) territories, worded unlike raw/, written by the suite itself.

One description (`PlanSpec`) gives both the document — as a TAB-separated text export or a
DOCX made with python-docx — and the plan it must convert to, so a test can score a
conversion without a hand-made expected file. Headings, column headers, thématiques and
action numbering differ from Mont de Marsan's on purpose (CTG_PLANS.md lists the forms);
`score_plan` compares a converted plan with the description: actions found, fields equal,
thématique right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docx_fixtures import TableLayout, render_docx_blocks


@dataclass
class ActionSpec:
    titre: str
    values: dict[str, str]  # field → cell text (fields of the columns of the plan)
    numero: int | None = None


@dataclass
class ObjectifSpec:
    numero: int
    titre: str
    actions: list[ActionSpec]


@dataclass
class AxeSpec:
    numero: int
    titre: str
    objectifs: list[ObjectifSpec]


@dataclass
class ThematiqueSpec:
    heading: str  # as printed
    code: str  # the code pgt must give it
    axes: list[AxeSpec]


@dataclass
class PlanSpec:
    name: str
    columns: list[tuple[str, str]]  # (header as printed, field); the first is the title column
    thematiques: list[ThematiqueSpec]
    axe_heading: str = "AXE {n} : {titre}"  # {n} arabic, {roman} roman
    objectif_heading: str = "OBJECTIF STRATÉGIQUE {axe}.{n} : {titre}"
    action_cell: str = "{n}. {titre}"  # {n}, {axe}, {oi}
    preamble: list[str] = field(default_factory=list)

    # ---- the document -------------------------------------------------------------------
    def blocks(self) -> list[tuple[str, list[str] | TableLayout]]:
        blocks: list[tuple[str, list[str] | TableLayout]] = []
        if self.preamble:
            blocks.append(("text", list(self.preamble)))
        for thematique in self.thematiques:
            blocks.append(("text", [thematique.heading]))
            for axe in thematique.axes:
                blocks.append(("text", [self.axe_heading.format(n=axe.numero, roman=_roman(axe.numero),
                                                                titre=axe.titre)]))
                for objectif in axe.objectifs:
                    blocks.append(("text", [self.objectif_heading.format(axe=axe.numero, n=objectif.numero,
                                                                         titre=objectif.titre)]))
                    header = tuple(h for h, _ in self.columns)
                    rows = [header]
                    for action in objectif.actions:
                        title = self.action_cell.format(n=action.numero, axe=axe.numero, oi=objectif.numero,
                                                        titre=action.titre) if action.numero else action.titre
                        rows.append((title, *(action.values.get(f, "") for _, f in self.columns[1:])))
                    blocks.append(("table", TableLayout(rows, [], header_rows=1)))
        return blocks

    def write_text(self, path: Path) -> Path:
        lines: list[str] = []
        for kind, block in self.blocks():
            if kind == "text":
                for line in block:  # type: ignore[union-attr]
                    lines += [line, ""]
            else:
                layout: TableLayout = block  # type: ignore[assignment]
                lines += ["\t".join(cell.replace("\n", " ") for cell in row) for row in layout.cells]
                lines.append("")
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    def write_docx(self, path: Path) -> Path:
        return render_docx_blocks(self.blocks(), path)

    # ---- what the plan must hold ------------------------------------------------------------
    def expected(self) -> list[tuple[str, int, int, ActionSpec]]:
        return [(t.code, a.numero, o.numero, action)
                for t in self.thematiques for a in t.axes for o in a.objectifs for action in o.actions]


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n]


@dataclass
class Score:
    actions: int
    found: int
    thematique_right: int
    fields: int
    fields_equal: int
    misses: list[str] = field(default_factory=list)

    @property
    def found_share(self) -> float:
        return self.found / self.actions if self.actions else 1.0

    @property
    def fields_share(self) -> float:
        return self.fields_equal / self.fields if self.fields else 1.0

    @property
    def thematique_share(self) -> float:
        return self.thematique_right / self.actions if self.actions else 1.0

    def summary(self) -> str:
        return (f"actions found {self.found}/{self.actions} ({self.found_share:.1%}), fields equal "
                f"{self.fields_equal}/{self.fields} ({self.fields_share:.1%}), thématique right "
                f"{self.thematique_right}/{self.actions} ({self.thematique_share:.1%})")


def _same(a: object, b: object) -> bool:
    return " ".join(str(a or "").split()) == " ".join(str(b or "").split())


def _value(action, field: str) -> object:  # noqa: ANN001 - schema Action
    if field in ("partenaires", "indicateurs"):
        return ", ".join(getattr(action, field))
    if field == "budget":
        return action.budget_texte
    if field.startswith("autres:"):
        return action.autres.get(field[len("autres:"):])
    return getattr(action, field)


def score_plan(spec: PlanSpec, plan) -> Score:  # noqa: ANN001 - schema Plan
    """How much of the description the converted plan holds. An action is found by its
    title (anywhere in the plan); its thématique, axe and objective must then match, and
    each of its fields equals the cell (whitespace folded; list fields compared joined
    with `, ` since the splitter cuts on commas)."""
    placed = {}
    for thematique, axe, oi, action in plan.walk_actions():
        placed.setdefault(" ".join((action.titre or "").split()), (thematique.code, axe.numero,
                                                                   oi.numero if oi else None, action))
    score = Score(0, 0, 0, 0, 0)
    for code, axe, oi, spec_action in spec.expected():
        score.actions += 1
        got = placed.get(" ".join(spec_action.titre.split()))
        fields = ["titre", *(f for f in spec_action.values)]
        score.fields += len(fields)
        if got is None:
            score.misses.append(f"not found: {spec_action.titre}")
            continue
        got_code, got_axe, got_oi, action = got
        score.found += 1
        score.thematique_right += got_code == code
        if (got_code, got_axe, got_oi) != (code, axe, oi):
            score.misses.append(f"placed {got_code}/{got_axe}/{got_oi}, expected {code}/{axe}/{oi}: {spec_action.titre}")
        if spec_action.numero is not None and action.numero != spec_action.numero:
            score.misses.append(f"numero {action.numero} != {spec_action.numero}: {spec_action.titre}")
        score.fields_equal += 1  # the title, by which it was found
        for name, value in spec_action.values.items():
            target = name if not name.startswith("autres:") else name
            if _same(_value(action, target), value):
                score.fields_equal += 1
            else:
                score.misses.append(f"{spec_action.titre[:30]}…/{name}: {_value(action, target)!r} != {value!r}")
    return score


# ---- the plans ------------------------------------------------------------------------------

def _a(titre: str, numero: int | None = None, **values: str) -> ActionSpec:
    return ActionSpec(titre, dict(values), numero)


def val_d_adour() -> PlanSpec:
    """A CTG worded otherwise: Pilote / Public cible / Calendrier / Ressources…, `AXE 1 :`,
    `OBJECTIF STRATÉGIQUE 1.2 :`, `Action 1.2 …` cells; accès aux droits, animation de la vie
    sociale, and a thématique no profile knows (`THÉMATIQUE VIE DES QUARTIERS`)."""
    columns = [("Intitulé de l'action", "titre"), ("Pilote", "porteur"), ("Public cible", "public_vise"),
               ("Calendrier", "echeances"), ("Partenaires associés", "partenaires"),
               ("Ressources humaines", "moyens_humains"), ("Moyens matériels", "moyens_techniques"),
               ("Financement", "moyens_financiers"), ("Indicateurs de suivi", "indicateurs"), ("Budget", "budget")]

    def act(n: int, titre: str, porteur: str, public: str, periode: str, partenaires: str, humains: str,
            materiel: str, financement: str, indicateur: str, budget: str) -> ActionSpec:
        return _a(titre, n, porteur=porteur, public_vise=public, echeances=periode, partenaires=partenaires,
                  moyens_humains=humains, moyens_techniques=materiel, moyens_financiers=financement,
                  indicateurs=indicateur, budget=budget)

    return PlanSpec(
        name="val-d-adour",
        columns=columns,
        action_cell="Action {oi}.{n} – {titre}",
        preamble=["Convention Territoriale Globale de la Communauté de communes du Val d'Adour 2024-2028"],
        thematiques=[
            ThematiqueSpec("THÉMATIQUE ACCÈS AUX DROITS", "acces_aux_droits", [
                AxeSpec(1, "Rapprocher les services des habitants", [
                    ObjectifSpec(1, "Mailler le territoire de points d'accueil", [
                        act(1, "Ouvrir une antenne France Services à Riscle", "Communauté de communes",
                            "habitants du canton", "2024-2025", "CAF, MSA, CPAM", "deux agents d'accueil",
                            "un bureau équipé", "Dotation de l'État", "Nombre de demandes traitées", "45 000 €"),
                        act(2, "Organiser des permanences itinérantes dans les villages", "CIAS du Val d'Adour",
                            "personnes âgées isolées", "2025-2028", "La Poste", "un conseiller numérique",
                            "un véhicule aménagé", "Subvention CAF", "Nombre de permanences tenues", "12 000 €"),
                    ]),
                    ObjectifSpec(2, "Lutter contre le non-recours aux prestations", [
                        act(1, "Proposer des rendez-vous des droits aux allocataires", "CAF des Landes",
                            "allocataires en rupture", "2024", "Département", "travailleurs sociaux",
                            "outil de simulation", "Fonds propres CAF", "Taux de droits ouverts", "non chiffré"),
                    ]),
                ]),
                AxeSpec(2, "Accompagner les démarches en ligne", [
                    ObjectifSpec(1, "Former les habitants aux outils numériques", [
                        act(1, "Animer des ateliers numériques hebdomadaires", "Médiathèque intercommunale",
                            "adultes débutants", "2024-2026", "Emmaüs Connect", "un animateur",
                            "dix ordinateurs portables", "Subvention de la Région", "Nombre d'ateliers animés",
                            "8 500 €"),
                    ]),
                ]),
            ]),
            ThematiqueSpec("Animation de la vie sociale", "animation_vie_sociale", [
                AxeSpec(1, "Soutenir les structures d'animation", [
                    ObjectifSpec(1, "Consolider les centres sociaux", [
                        act(1, "Renouveler l'agrément du centre social de Plaisance", "Association Familles Rurales",
                            "familles du territoire", "2025", "CAF, commune de Plaisance", "un directeur",
                            "locaux communaux", "Prestation de service CAF", "Obtention de l'agrément",
                            "30 000 €"),
                        act(2, "Créer un espace de vie sociale à Aignan", "Commune d'Aignan",
                            "habitants du bourg", "2026-2027", "Foyer rural", "bénévoles de l'association",
                            "une salle polyvalente", "Financement communal", "Nombre d'adhérents", "15 k€"),
                    ]),
                ]),
            ]),
            ThematiqueSpec("THÉMATIQUE VIE DES QUARTIERS", "vie_des_quartiers", [
                AxeSpec(1, "Faire vivre les quartiers", [
                    ObjectifSpec(1, "Favoriser les rencontres entre voisins", [
                        act(1, "Organiser une fête des voisins dans chaque quartier", "Service animation",
                            "habitants des quartiers", "chaque année en juin", "bailleurs sociaux",
                            "animateurs de quartier", "barnums et tables", "Crédits de la politique de la ville",
                            "Nombre de participants", "3 000 €"),
                    ]),
                ]),
            ]),
        ],
    )


def saint_exemple() -> PlanSpec:
    """Another wording: `ENJEU 1 –` axes, `OBJECTIF GÉNÉRAL 1` objectives, `FA 12` actions,
    Responsable / Bénéficiaires / Échéancier / Critères d'évaluation, Statut and Territoire
    columns, and a column no profile knows (`Couleur du projet`, kept in `autres`)."""
    columns = [("Actions à mener", "titre"), ("Responsable", "porteur"), ("Bénéficiaires", "public_vise"),
               ("Échéancier", "echeances"), ("Partenaires mobilisés", "partenaires"),
               ("Moyens humains", "moyens_humains"), ("Moyens techniques", "moyens_techniques"),
               ("Moyens financiers", "moyens_financiers"), ("Critères d'évaluation", "indicateurs"),
               ("Statut", "statut"), ("Territoire", "territoire"), ("Couleur du projet", "autres:Couleur du projet")]

    def act(n: int, titre: str, porteur: str, public: str, periode: str, partenaires: str, humains: str,
            techniques: str, financiers: str, indicateur: str, statut: str, territoire: str, couleur: str) -> ActionSpec:
        action = _a(titre, n, porteur=porteur, public_vise=public, echeances=periode, partenaires=partenaires,
                    moyens_humains=humains, moyens_techniques=techniques, moyens_financiers=financiers,
                    indicateurs=indicateur, statut=statut, territoire=territoire)
        action.values["autres:Couleur du projet"] = couleur
        return action

    spec = PlanSpec(
        name="saint-exemple",
        columns=columns,
        axe_heading="ENJEU {n} – {titre}",
        objectif_heading="OBJECTIF GÉNÉRAL {n} {titre}",
        action_cell="FA {n} {titre}",
        thematiques=[
            ThematiqueSpec("JEUNESSE", "jeunesse", [
                AxeSpec(1, "Donner aux jeunes une place dans la ville", [
                    ObjectifSpec(1, "Encourager l'engagement des adolescents", [
                        act(1, "Créer un conseil municipal des jeunes", "Service jeunesse", "collégiens de 11 à 15 ans",
                            "rentrée 2024", "collèges de la ville", "un animateur jeunesse", "salle du conseil",
                            "budget municipal", "Nombre de jeunes élus", "en cours", "toute la commune", "vert"),
                        act(2, "Soutenir les projets portés par des jeunes", "Point information jeunesse",
                            "jeunes de 16 à 25 ans", "2024-2027", "Mission Locale", "un informateur jeunesse",
                            "local du PIJ", "Fonds d'initiative jeunes", "Nombre de projets soutenus", "à lancer",
                            "quartier des Arènes", "orange"),
                    ]),
                ]),
                AxeSpec(2, "Faciliter l'accès aux loisirs", [
                    ObjectifSpec(1, "Ouvrir les équipements le soir et le week-end", [
                        act(3, "Ouvrir le gymnase le vendredi soir", "Direction des sports", "adolescents des quartiers",
                            "2025", "clubs sportifs", "deux éducateurs sportifs", "gymnase Jean Moulin",
                            "contrat de ville", "Taux de fréquentation", "réalisé", "quartier Nord", "vert"),
                    ]),
                ]),
            ]),
            ThematiqueSpec("SOUTIEN À LA PARENTALITÉ", "parentalite", [
                AxeSpec(1, "Accompagner les parents au quotidien", [
                    ObjectifSpec(1, "Multiplier les lieux d'écoute", [
                        act(4, "Ouvrir un café des parents au centre social", "Centre social Le Lien",
                            "parents d'enfants de 0 à 11 ans", "2024-2026", "REAAP, école maternelle",
                            "une référente familles", "salle d'accueil", "REAAP", "Nombre de parents accueillis",
                            "en cours", "centre-ville", "vert"),
                    ]),
                ]),
            ]),
            ThematiqueSpec("INCLUSION NUMÉRIQUE", "inclusion_numerique", [
                AxeSpec(1, "Réduire la fracture numérique", [
                    ObjectifSpec(1, "Équiper et former les familles", [
                        act(5, "Prêter des tablettes aux familles sans équipement", "CCAS", "familles monoparentales",
                            "2025-2026", "association Solidatech", "un conseiller numérique", "trente tablettes",
                            "Subvention CAF", "Nombre de prêts réalisés", "à lancer", "quartiers prioritaires",
                            "rouge"),
                    ]),
                ]),
            ]),
            ThematiqueSpec("HANDICAP", "handicap", [
                AxeSpec(1, "Favoriser l'inclusion des enfants en situation de handicap", [
                    ObjectifSpec(1, "Adapter l'accueil de loisirs", [
                        act(6, "Former les animateurs à l'accueil d'enfants handicapés", "Service enfance",
                            "animateurs périscolaires", "2024", "Pôle ressources handicap", "une formatrice",
                            "mallette pédagogique", "Fonds publics et territoires", "Nombre d'animateurs formés",
                            "réalisé", "toute la commune", "vert"),
                    ]),
                ]),
            ]),
        ],
    )
    return spec


def coteaux() -> PlanSpec:
    """Written after the code, as a held-out check: `VOLET …` thématiques, `ORIENTATION II -`
    axes, `Sous-axe 1.2 :` objectives, `Fiche action n°4 –` cells, one `Moyens mobilisés`
    column (no sub-header), Libellé / Référent / Public concerné / Période / Lieu / Descriptif."""
    columns = [("Libellé", "titre"), ("Référent", "porteur"), ("Public concerné", "public_vise"),
               ("Période", "echeances"), ("Partenaires financeurs", "partenaires"),
               ("Moyens mobilisés", "moyens_humains"), ("Indicateurs de résultat", "indicateurs"),
               ("Lieu", "territoire"), ("Descriptif", "description")]

    def act(n: int, titre: str, referent: str, public: str, periode: str, partenaires: str, moyens: str,
            indicateur: str, lieu: str, descriptif: str) -> ActionSpec:
        return _a(titre, n, porteur=referent, public_vise=public, echeances=periode, partenaires=partenaires,
                  moyens_humains=moyens, indicateurs=indicateur, territoire=lieu, description=descriptif)

    return PlanSpec(
        name="coteaux", columns=columns, axe_heading="ORIENTATION {roman} - {titre}",
        objectif_heading="Sous-axe {axe}.{n} : {titre}", action_cell="Fiche action n°{n} – {titre}",
        thematiques=[
            ThematiqueSpec("VOLET LOGEMENT ET CADRE DE VIE", "logement", [
                AxeSpec(1, "Améliorer l'habitat des familles", [ObjectifSpec(1, "Repérer les logements indignes", [
                    act(1, "Mettre en place un guichet habitat", "Service habitat", "propriétaires occupants",
                        "2024-2026", "ANAH, Département", "un chargé de mission", "Nombre de dossiers ouverts",
                        "tout le territoire", "Un accueil unique pour les demandes d'aide à la rénovation."),
                    act(2, "Former les travailleurs sociaux au repérage", "CCAS", "travailleurs sociaux", "2025",
                        "ADIL", "une formatrice", "Nombre de personnes formées", "communes rurales",
                        "Deux sessions par an avec l'ADIL."),
                ])]),
                AxeSpec(2, "Accompagner la mobilité", [ObjectifSpec(1, "Faciliter les déplacements", [
                    act(3, "Créer un service de transport à la demande", "Syndicat des mobilités",
                        "habitants sans véhicule", "2026-2028", "Région", "deux chauffeurs",
                        "Nombre de trajets réalisés", "secteur Sud", "Réservation la veille par téléphone."),
                ])]),
            ]),
            ThematiqueSpec("THÉMATIQUE SENIORS", "seniors", [
                AxeSpec(1, "Rompre l'isolement", [ObjectifSpec(1, "Visiter les personnes seules", [
                    act(4, "Organiser des visites de convivialité à domicile", "CIAS", "personnes âgées isolées",
                        "2024-2028", "Petits Frères des Pauvres", "bénévoles formés", "Nombre de visites",
                        "tout le territoire", "Une visite par semaine et par personne."),
                ])]),
            ]),
        ],
    )
