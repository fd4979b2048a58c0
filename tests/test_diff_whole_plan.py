"""`pgt diff` over the whole plan, typos apart (issue 14).

A new version of raw/'s detail document, written here: two actions deleted, one added,
three fields edited, one OO title reworded, and ten one-letter typos (a letter swapped,
doubled or dropped inside a word) put in other cells by a seeded function. Every real
change must be reported as such, and no typo as a change.
"""

from __future__ import annotations

import json
import random
import re
import shutil

import pytest
from helpers import DETAIL, RAW
from typer.testing import CliRunner

from pgt.cli import app
from pgt.diff import diff_plans, is_typo, load_plan

SUMMARY = RAW / "pgt-priorisation.txt"
NEW_ROW = ("24. Ouvrir une permanence d'accueil le samedi matin.\t1\tRPE\tFamilles\t2026\tCAF des Landes"
           "\t\t\t\tnombre de familles reçues")
TYPOS = 10
EDITED_LINES = ("3. Intégrer", "5. Organiser", "23. Réaliser", "47. Réserver", "60. Développer", "61. Création",
                "\t2\tOO2. Proposer")


def find(lines: list[str], prefix: str) -> int:
    [index] = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    return index


def replace_cell(lines: list[str], prefix: str, before: str, after: str) -> None:
    index = find(lines, prefix)
    cells = lines[index].split("\t")
    cells[cells.index(before)] = after
    lines[index] = "\t".join(cells)


def one_letter_typo(word: str, rng: random.Random) -> str:
    """Swap two neighbouring letters, double one, or drop one, never the first letter."""
    while True:
        at = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("swap", "double", "drop"))
        if kind == "swap":
            typo = word[:at] + word[at + 1] + word[at] + word[at + 2:]
        elif kind == "double":
            typo = word[:at] + word[at] + word[at:]
        else:
            typo = word[:at] + word[at + 1:]
        if typo != word:
            return typo


def put_typos(lines: list[str], count: int, seed: int) -> list[tuple[int, str, str]]:
    """`count` typos in the field cells of numbered action rows the other edits leave alone,
    one per row; returns (line index, word, typo)."""
    rng = random.Random(seed)
    rows = [i for i, line in enumerate(lines) if re.match(r"\d+\. ", line)
            and not line.startswith(EDITED_LINES) and len(line.split("\t")) > 4]
    made = []
    for index in rng.sample(rows, len(rows)):
        cells = lines[index].split("\t")
        choices = [(c, w) for c in range(2, len(cells)) for w in re.findall(r"\b[A-Za-zÀ-ÿ]{6,}\b", cells[c])]
        if not choices:
            continue
        column, word = rng.choice(choices)
        typo = one_letter_typo(word, rng)
        cells[column] = re.sub(rf"\b{word}\b", typo, cells[column], count=1)
        lines[index] = "\t".join(cells)
        made.append((index, word, typo))
        if len(made) == count:
            break
    return made


@pytest.fixture(scope="module")
def new_version(tmp_path_factory):
    lines = DETAIL.read_text(encoding="utf-8").split("\n")
    typos = put_typos(lines, TYPOS, seed=14)
    replace_cell(lines, "3. Intégrer", "Direction Pôle Petite Enfance et RPE", "RPE et Direction Pôle Petite Enfance")
    replace_cell(lines, "60. Développer", "2024: réunion de concertation portant sur la mobilité et les jeunes",
                 "2025 : réunions de concertation avec les communes")
    replace_cell(lines, "61. Création", "Communes", "Communes, Département des Landes")
    replace_cell(lines, "\t2\tOO2. Proposer", "OO2. Proposer une offre diversifiée",
                 "OO2. Proposer une offre d'accueil plus variée aux familles")
    lines.insert(find(lines, "23. Réaliser") + 1, NEW_ROW)
    del lines[find(lines, "5. Organiser")]
    del lines[find(lines, "47. Réserver")]
    folder = tmp_path_factory.mktemp("new")
    (folder / DETAIL.name).write_text("\n".join(lines), encoding="utf-8")
    shutil.copy(SUMMARY, folder / SUMMARY.name)
    return folder, typos


@pytest.fixture(scope="module")
def whole_diff(new_version):
    folder, _ = new_version
    return diff_plans(load_plan(RAW), load_plan(folder), old_name="raw", new_name="new")


def test_every_real_change_reported(whole_diff):
    real = {(c.kind, c.level, c.id, c.field) for c in whole_diff.changes if c.kind != "typo"}
    expected = {
        ("removed", "action", "petite_enfance-1-1-5", None),
        ("removed", "action", "jeunesse-4-1-47", None),
        ("added", "action", "petite_enfance-4-1-24", None),
        ("changed", "action", "petite_enfance-1-1-3", "porteur"),
        ("changed", "action", "jeunesse-4-3-60", "echeances"),
        ("changed", "action", "jeunesse-4-3-61", "partenaires"),
        ("changed", "oo", "petite_enfance-1-1-oo2", "titre"),
    }
    assert expected <= real
    # what else is reported follows from those edits: the years read from the new échéance,
    # and the summary fiches of the two deleted actions left without their action
    consequences = {("changed", "action", "jeunesse-4-3-60", "annee_debut"),
                    ("changed", "action", "jeunesse-4-3-60", "annee_fin"),
                    ("changed", "fiche", "petite_enfance-f5", "action_id"),
                    ("changed", "fiche", "jeunesse-f47", "action_id")}
    assert real - expected <= consequences
    reword = next(c for c in whole_diff.changes if c.level == "oo")
    assert (reword.before, reword.after) == ("Proposer une offre diversifiée",
                                             "Proposer une offre d'accueil plus variée aux familles")


def test_no_typo_reported_as_a_change(whole_diff, new_version):
    _, typos = new_version
    assert len(typos) == TYPOS
    typo_changes = whole_diff.typos
    for change in whole_diff.changes:
        if change.kind == "changed":  # none of the ten typo'd words is in a change
            text = json.dumps([change.before, change.after], ensure_ascii=False)
            assert not any(typo in text for _, _, typo in typos), change
    # each typo is either fixed by the normalizers (no change at all) or listed as a typo
    # (`Elvèes` is fixed to `Élèves`: a typo of `Elèves` still, one letter off)
    assert 0 < len(typo_changes) <= TYPOS
    everything = json.dumps([[c.before, c.after] for c in whole_diff.changes], ensure_ascii=False)
    listed = json.dumps([[c.before, c.after] for c in typo_changes], ensure_ascii=False)
    assert all(typo in listed for _, _, typo in typos if typo in everything)
    assert whole_diff.changed  # the real changes remain


def test_typos_apart_in_text_json_and_exit_code(new_version, tmp_path):
    folder, _ = new_version
    runner = CliRunner()
    report = tmp_path / "changes.json"
    result = runner.invoke(app, ["diff", str(RAW), str(folder), "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "typo(s) not listed (--typos lists them)" in result.output
    assert "\n. typo" not in result.output
    listed = runner.invoke(app, ["diff", str(RAW), str(folder), "--typos"])
    assert "typos (" in listed.output and ". typo" in listed.output
    data = json.loads(report.read_text(encoding="utf-8"))
    kinds = {c["kind"] for c in data["changes"]}
    assert {"removed", "added", "changed", "typo"} <= kinds
    assert data["counts"]["typo"] == sum(c["kind"] == "typo" for c in data["changes"]) > 0
    assert all("level" in c for c in data["changes"])


def test_fail_on_change_ignores_typos_unless_asked(tmp_path):
    lines = DETAIL.read_text(encoding="utf-8").split("\n")
    replace_cell(lines, "61. Création", "Direction de la Jeunesse", "Direction de la Jeuneese")  # not fixed
    new = tmp_path / DETAIL.name
    new.write_text("\n".join(lines), encoding="utf-8")
    runner = CliRunner()
    quiet = runner.invoke(app, ["diff", str(DETAIL), str(new), "--fail-on-change", "-q"])
    assert quiet.exit_code == 0
    strict = runner.invoke(app, ["diff", str(DETAIL), str(new), "--fail-on-change", "--typos"])
    assert strict.exit_code == 1
    assert '. typo       jeunesse-4-3-61  porteur: "Direction de la Jeunesse" → "Direction de la Jeuneese"' \
        in strict.output


@pytest.mark.parametrize("before,after,typo", [
    ("Les agents du Pôle jeunesse", "Les agnets du Pôle jeunesse", True),      # two letters swapped
    ("Importance du sommeil", "Importanc du sommeil", True),                     # a letter dropped
    ("Service civique", "Service civiqu", True),
    ("Mont de Marsan", "Mont de Mersan", True),                                  # the normalizers fix it
    (["CAF", "Hôpital"], ["CAF", "Hôpita"], True),
    ("Direction Pôle Petite Enfance et RPE", "RPE", False),
    ("2024", "2025", False),                                                     # a figure is no typo
    ("Les CP", "Les CE", False),                                                 # a word under 4 letters
    ("Réunion annuelle", "Réunion mensuelle", False),                            # a word replaced
    ("Taux de participation", "Taux de fréquentation", False),
    (["CAF", "PMI"], ["CAF", "PMI", "RPE"], False),
])
def test_is_typo(before, after, typo):
    assert is_typo(before, after) is typo
