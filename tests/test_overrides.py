"""Overrides (`--overrides`, `pgt-overrides.csv`): a data officer's fixes applied as the last
normalizer rule, logged in corrections.csv, and every line that cannot apply an anomaly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from cli_run import assert_one_line_error, run_pgt
from override_docs import write_plan

from pgt.errors import ExitCode
from pgt.normalize.overrides import read_overrides
from pgt.pipeline import convert


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(path: Path) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows(path)}


def write_fixes(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


DONE_WHEN = ("record_id,field,value,note\n"
             "jeunesse-2-3-4,porteur,Bureau Information Jeunesse,scan misread the porteur\n"
             "jeunesse-2-3-5,echeances,2026-2028,new calendar voted in June\n"
             "jeunesse-2-9-12,porteur,Mairie,\n")


def test_two_overrides_and_an_orphan(tmp_path):
    """The issue's "done when": both applied, logged with rule override (and the note), years
    re-derived, the orphan listed in anomalies.csv at its line of the file."""
    docs = write_plan(tmp_path / "docs")
    fixes = write_fixes(tmp_path / "fixes.csv", DONE_WHEN)
    result = run_pgt("convert", docs, "--overrides", fixes, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "Overrides: " in result.stdout and "2 applied, 1 orphan" in result.stdout
    actions = by_id(tmp_path / "out" / "actions.csv")
    assert actions["jeunesse-2-3-4"]["porteur"] == "Bureau Information Jeunesse"
    five = actions["jeunesse-2-3-5"]
    assert (five["echeances"], five["annee_debut"], five["annee_fin"]) == ("2026-2028", "2026", "2028")
    logged = [r for r in rows(tmp_path / "out" / "corrections.csv") if r["record_id"].startswith("jeunesse-2-3-")
              and r["rule"] in ("override", "parse_years") and r["note"]]
    assert [(r["record_id"], r["field"], r["before"], r["after"], r["rule"]) for r in logged] == [
        ("jeunesse-2-3-4", "porteur", "Point Information Jeunesse de Tartas", "Bureau Information Jeunesse", "override"),
        ("jeunesse-2-3-5", "echeances", "2025", "2026-2028", "override"),
        ("jeunesse-2-3-5", "annee_debut", "2025", "2026", "parse_years"),
        ("jeunesse-2-3-5", "annee_fin", "2025", "2028", "parse_years"),
    ]
    assert logged[0]["note"] == "scan misread the porteur"
    assert "fixes.csv line 3" in logged[2]["note"]
    orphans = [r for r in rows(tmp_path / "out" / "anomalies.csv") if r["code"] == "override_orphan"]
    assert [(o["severity"], o["document"], o["line"], o["cells"]) for o in orphans] == [
        ("warning", "fixes.csv", "4", "jeunesse-2-9-12 | porteur | Mairie")]
    assert "no such record" in orphans[0]["message"]
    # the other columns of corrections.csv carry an empty note
    assert all(r["note"] == "" for r in rows(tmp_path / "out" / "corrections.csv") if r["rule"] == "split_partenaires")


def test_excel_french_dialect(tmp_path):
    """What Excel saves in a French locale: `;`, CRLF, Windows-1252 (or UTF-8 with a BOM)."""
    text = "Record_ID;Field;Value;Note\r\nJeunesse-2-3-4;Porteur;Bureau Information Jeunesse (Mont-de-Marsan);écrit à la main\r\n"
    for encoding, name in (("cp1252", "ansi.csv"), ("utf-8-sig", "bom.csv")):
        [override] = read_overrides(write_fixes(tmp_path / name, text, encoding))
        assert (override.record_id, override.field, override.value, override.note, override.line) == (
            "jeunesse-2-3-4", "porteur", "Bureau Information Jeunesse (Mont-de-Marsan)", "écrit à la main", 2)


def test_lines_counted_as_a_person_reads_them(tmp_path):
    """A quoted value over two lines: the next override's line is its first physical line."""
    text = ('record_id,value,field\n\n"jeunesse-2-3-4","un animateur\net un bénévole",moyens_humains\n'
            "jeunesse-2-3-5,lycéens et apprentis,public_vise\n")
    first, second = read_overrides(write_fixes(tmp_path / "f.csv", text))
    assert (first.line, first.value, second.line, second.field) == (3, "un animateur\net un bénévole", 5, "public_vise")


def test_auto_discovery_beside_the_documents(tmp_path):
    docs = write_plan(tmp_path / "docs")
    write_fixes(docs / "pgt-overrides.csv", "record_id,field,value\njeunesse-2-3-5,porteur,Service jeunesse et sports\n")
    result = run_pgt("convert", docs, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "pgt-overrides.csv (found beside the documents): 1 applied" in result.stdout
    assert "pgt-overrides.csv" not in result.stdout.split("Read ")[1].split("\n\n")[0]  # not read as a document
    assert by_id(tmp_path / "out" / "actions.csv")["jeunesse-2-3-5"]["porteur"] == "Service jeunesse et sports"
    # --overrides wins over the file found in the folder
    other = write_fixes(tmp_path / "other.csv", "record_id,field,value\njeunesse-2-3-5,porteur,CCAS\n")
    result = run_pgt("convert", docs, "--overrides", other, "-o", tmp_path / "out")
    assert by_id(tmp_path / "out" / "actions.csv")["jeunesse-2-3-5"]["porteur"] == "CCAS"
    assert f"{docs / 'pgt-overrides.csv'} not used: --overrides names another file" in result.stdout
    # naming the file beside the documents with --overrides is no conflict
    named = convert([docs], overrides=docs / "pgt-overrides.csv").overrides
    assert not named.ignored and not named.discovered
    # a folder holding only the overrides file has no document to read
    only = tmp_path / "only"
    only.mkdir()
    write_fixes(only / "pgt-overrides.csv", "record_id,field,value\n")
    assert_one_line_error(run_pgt("convert", only, "-o", tmp_path / "none"), 3, "folder with no document")


@pytest.mark.parametrize("content, expected", [
    (b"id,champ,valeur\nx,y,z\n", ["line 1", "missing column(s) record_id, field, value"]),
    (b"record_id,field\njeunesse-2-3-4,porteur\n", ["line 1", "missing column(s) value"]),
    (b"", ["empty file"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["binary content"]),
    (b'record_id,field,value\njeunesse-2-3-4,porteur,"Bureau\n', ["line 2", "not valid CSV"]),
    (b"record_id,field,value,field\na,b,c,d\n", ["named twice: field"]),
])
def test_bad_overrides_file_one_line_nothing_written(tmp_path, content, expected):
    docs = write_plan(tmp_path / "docs", enfance=False)
    fixes = tmp_path / "fixes.csv"
    fixes.write_bytes(content)
    result = run_pgt("convert", docs, "--overrides", fixes, "-o", tmp_path / "out")
    line = assert_one_line_error(result, int(ExitCode.BAD_OVERRIDES), str(fixes), *expected)
    assert "Traceback" not in line and not (tmp_path / "out").exists()


def test_missing_or_unreadable_overrides_file(tmp_path):
    docs = write_plan(tmp_path / "docs", enfance=False)
    assert_one_line_error(run_pgt("convert", docs, "--overrides", tmp_path / "nope.csv", "-o", tmp_path / "out"),
                          3, "nope.csv", "no such overrides file")
    assert_one_line_error(run_pgt("check", docs, "--overrides", tmp_path, "-q"), int(ExitCode.BAD_OVERRIDES),
                          str(tmp_path), "not a regular file")
    # a bad file beside the documents is refused the same way, naming it
    write_fixes(docs / "pgt-overrides.csv", "just some notes\n")
    assert_one_line_error(run_pgt("convert", docs, "-o", tmp_path / "out"), int(ExitCode.BAD_OVERRIDES),
                          "pgt-overrides.csv", "missing column(s)")
    assert not (tmp_path / "out").exists()


def plan_with(tmp_path: Path, text: str):
    docs = write_plan(tmp_path / "docs")
    return convert([docs], overrides=write_fixes(tmp_path / "fixes.csv", text)).plan


def anomalies_of(plan, code: str) -> list[tuple[int | None, str | None]]:
    return [(a.line, a.record_id) for a in plan.anomalies if a.code == code]


def test_each_kind_of_record_and_value(tmp_path):
    plan = plan_with(tmp_path, "record_id,field,value\n"
                     "jeunesse-2-3-4,partenaires,Auto-écoles du Marsan | Région | Mission Locale\n"
                     "jeunesse-2-3-4,moyens_humains,\n"  # empty: clears
                     "jeunesse-2-3-5,oo,1 | 2\n"
                     "enfance-1-2-3-o2,porteur,Jardins partagés du Peyrouat\n"
                     "enfance-1-2-oo1,oo_titre,Découvrir la forêt landaise\n"
                     "jeunesse-2-3,titre,Favoriser la mobilité des jeunes\n"
                     "jeunesse-2,axe_titre,Accompagner vers l'autonomie\n"
                     "jeunesse-2-3-4,budget,\"1 500,50 €\"\n"
                     "jeunesse-2-3-4,date_debut,2024-09-01\n")
    actions = {a.id: a for a in plan.all_actions()}
    four, five, three = actions["jeunesse-2-3-4"], actions["jeunesse-2-3-5"], actions["enfance-1-2-3"]
    assert four.partenaires == ["Auto-écoles du Marsan", "Région", "Mission Locale"]
    assert four.moyens_humains is None and four.budget == 1500.5 and str(four.date_debut) == "2024-09-01"
    assert five.oo == [1, 2]
    assert three.offres[1].porteur == "Jardins partagés du Peyrouat" and three.offres[0].porteur == "Office National des Forêts"
    jeunesse_axe = plan.thematique("jeunesse").axes[0]
    assert jeunesse_axe.titre == "Accompagner vers l'autonomie"
    assert jeunesse_axe.objectifs_intermediaires[0].titre == "Favoriser la mobilité des jeunes"
    assert plan.thematique("enfance").axes[0].objectifs_intermediaires[0].objectifs_operationnels[0].titre \
        == "Découvrir la forêt landaise"
    overrides = [c for c in plan.corrections if c.rule == "override"]
    assert len(overrides) == 9 and not [a for a in plan.anomalies if a.code.startswith("override")]
    assert overrides[1].before == "un animateur" and overrides[1].after is None


def test_refused_unchanged_and_duplicate_overrides_are_anomalies(tmp_path):
    plan = plan_with(tmp_path, "record_id,field,value\n"
                     "jeunesse-2-3-4,annee_debut,abc\n"  # 2: not a year
                     "jeunesse-2-3-4,oo,7\n"  # 3: the OI has OO 1 and 2 only
                     "jeunesse-2-3-5,porteur,Service jeunesse\n"  # 4: the source says the same
                     "jeunesse-2-3-5,public_vise,collégiens\n"  # 5: given again below
                     "jeunesse-2-3-5,public_vise,lycéens et collégiens\n"  # 6
                     "jeunesse-2-3-4,annee_fin,2020\n"  # 7: before annee_debut 2024
                     "jeunesse-2-3-4,porteur,CAF,Landes\n"  # 8: an unquoted comma
                     "jeunesse-2-3-4,numero,9\n"  # 9: not a field an override may set
                     ",porteur,CAF\n")  # 10: no record
    assert anomalies_of(plan, "override_invalid") == [(2, "jeunesse-2-3-4"), (3, "jeunesse-2-3-4"),
                                                      (7, "jeunesse-2-3-4"), (8, "jeunesse-2-3-4")]
    assert anomalies_of(plan, "override_unchanged") == [(4, "jeunesse-2-3-5")]
    assert anomalies_of(plan, "override_duplicate") == [(5, "jeunesse-2-3-5")]
    assert anomalies_of(plan, "override_orphan") == [(9, "jeunesse-2-3-4"), (10, None)]
    assert next(a for a in plan.anomalies if a.code == "override_unchanged").severity == "info"
    actions = {a.id: a for a in plan.all_actions()}
    assert actions["jeunesse-2-3-5"].public_vise == "lycéens et collégiens"
    assert (actions["jeunesse-2-3-4"].annee_debut, actions["jeunesse-2-3-4"].annee_fin) == (2024, 2026)
    assert actions["jeunesse-2-3-4"].oo == [2] and actions["jeunesse-2-3-4"].porteur.startswith("Point")
    assert [c.field for c in plan.corrections if c.rule == "override"] == ["public_vise"]


def test_years_follow_echeances_unless_set_themselves(tmp_path):
    plan = plan_with(tmp_path, "record_id,field,value\n"
                     "jeunesse-2-3-4,annee_fin,2030\n"
                     "jeunesse-2-3-4,echeances,2025-2027\n"
                     "jeunesse-2-3-5,echeances,toute la durée du PGT\n")
    actions = {a.id: a for a in plan.all_actions()}
    assert (actions["jeunesse-2-3-4"].annee_debut, actions["jeunesse-2-3-4"].annee_fin) == (2025, 2030)
    # the years came from the old text, which the new one no longer states: cleared
    assert (actions["jeunesse-2-3-5"].annee_debut, actions["jeunesse-2-3-5"].annee_fin) == (None, None)


def test_override_on_raw_fiche_and_check(tmp_path):
    from helpers import RAW

    fixes = write_fixes(tmp_path / "fixes.csv", "record_id,field,value\n"
                        "enfance-f3,titre,Développer les loisirs de proximité\n"
                        "enfance-f4,action_id,nope-1-1-1\n")
    result = convert([RAW], overrides=fixes)
    fiche = next(f for f in result.plan.fiches if f.id == "enfance-f3")
    assert fiche.titre == "Développer les loisirs de proximité"
    assert anomalies_of(result.plan, "override_invalid") == [(3, "enfance-f4")]
    assert [s for _, s, _ in result.overrides.statuses(result.plan)] == ["applied", "invalid"]
    # pgt check takes the same file: the plan it checks has the fix
    from pgt.check import run_check

    report = run_check([RAW], overrides=fixes)
    from pgt.check_report import report_text

    assert f"  overrides: {fixes}: 1 applied, 1 invalid" in report_text(report)
    assert report.passed and report.figures["anomalies"]["warning"] == \
        sum(1 for a in result.plan.anomalies if a.severity == "warning")


def test_every_source_cell_still_accounted_for(tmp_path):
    """A fixed value replaces what the source printed: the audit finds the printed text as the
    `before` of the override, so coverage and the ledger stay whole."""
    from pgt.accounting import audit

    docs = write_plan(tmp_path / "docs")
    fixes = write_fixes(tmp_path / "fixes.csv", DONE_WHEN)
    result = convert([docs], overrides=fixes)
    report = audit(result.plan, result.documents)
    assert report.holds and report.total > 20 and result.plan.coverage == 1.0


def test_two_folders_with_their_own_file(tmp_path):
    """Two input folders, each with a pgt-overrides.csv: both applied, anomalies tell them apart."""
    first = write_plan(tmp_path / "a", enfance=False)
    second = tmp_path / "b"
    second.mkdir()
    (second / "enfance.txt").write_text((write_plan(tmp_path / "c") / "enfance.txt").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    write_fixes(first / "pgt-overrides.csv", "record_id,field,value\njeunesse-2-3-4,porteur,BIJ\n")
    write_fixes(second / "pgt-overrides.csv", "record_id,field,value\nenfance-9-9-9,porteur,X\n")
    result = convert([first, second])
    assert result.overrides.discovered and len(result.overrides.files) == 2
    assert [(o.source, s) for o, s, _ in result.overrides.statuses(result.plan)] == [
        (str(first / "pgt-overrides.csv"), "applied"), (str(second / "pgt-overrides.csv"), "orphan")]
