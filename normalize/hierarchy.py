"""Hierarchy nodes missing in one document taken from the other (summary → plan), logged.

The detail document has no heading for petite enfance axe III (the builder infers the axe,
without title); some OI and OO are printed without title in one document and with one in
the other. Titles the plan lacks are filled from the summary's hierarchy, and nodes the
summary has and the plan lacks (an axe, OI or OO without action in the detail document) are
added from it; both logged, the added nodes also reported (`node_from_summary`, info).
"""

from __future__ import annotations

from pgt.normalize.log import CorrectionLog
from pgt.normalize.similarity import similarity
from pgt.normalize.typos import fix_text
from pgt.schema import Anomaly, Axe, ObjectifIntermediaire, ObjectifOperationnel, Plan, Thematique

RULE = "fill_from_summary"
RULE_NODE = "node_from_summary"


def _find(items, numero):  # noqa: ANN001, ANN202 - a node with that number, or None
    return next((item for item in items if item.numero == numero), None)


def summary_node(summary: list[Thematique], code: str, axe: int, oi: int | None = None, oo: int | None = None):  # noqa: ANN201
    thematique = next((t for t in summary if t.code == code), None)
    node = _find(thematique.axes, axe) if thematique else None
    if node is not None and oi is not None:
        node = _find(node.objectifs_intermediaires, oi)
    if node is not None and oo is not None:
        node = _find(node.objectifs_operationnels, oo)
    return node


def summary_oo_title(summary: list[Thematique], code: str, axe: int, oi: int, oo: int) -> str | None:
    node = summary_node(summary, code, axe, oi, oo)
    return node.titre if node is not None else None


def fill_hierarchy_rule(plan: Plan, log: CorrectionLog) -> None:
    if not log.summary:
        return
    for thematique in plan.thematiques:
        code = thematique.code
        for axe in thematique.axes:
            _fill(f"{code}-{axe.numero}", axe, summary_node(log.summary, code, axe.numero), log)
            for oi in axe.objectifs_intermediaires:
                reference = summary_node(log.summary, code, axe.numero, oi.numero)
                _fill(f"{code}-{axe.numero}-{oi.numero}", oi, reference, log)
                if reference is not None and _numbering_differs(plan, f"{code}-{axe.numero}-{oi.numero}", oi, reference, log):
                    continue
                for oo in oi.objectifs_operationnels:
                    _fill(f"{code}-{axe.numero}-{oi.numero}-oo{oo.numero}", oo,
                          summary_node(log.summary, code, axe.numero, oi.numero, oo.numero), log)
        _report_missing(plan, thematique, log)


def _numbering_differs(plan: Plan, record_id: str, oi: ObjectifIntermediaire,
                       reference: ObjectifIntermediaire, log: CorrectionLog) -> bool:
    """The two documents number this OI's OO differently when an OO titled in both has two
    unlike titles (`OO 3` here is `OO 4` there): then no OO title or node is taken from the
    summary for this OI (it would land on the wrong number); reported."""
    differing = []
    for oo in oi.objectifs_operationnels:
        theirs = _find(reference.objectifs_operationnels, oo.numero)
        if theirs is not None and oo.titre and theirs.titre and similarity(oo.titre, theirs.titre) < log.profile.thresholds.hierarchy_same_oo:
            differing.append(oo.numero)
    if differing and not any(a.code == "summary_numbering_differs" and a.record_id == record_id for a in plan.anomalies):
        plan.anomalies.append(Anomaly(
            code="summary_numbering_differs", severity="info", record_id=record_id,
            message=f"OO {', '.join(map(str, differing))} of this OI have other titles in the summary: "
                    "the documents number its OO differently, nothing taken from the summary for them"))
    return bool(differing)


def _fill(record_id: str, node: object, reference: object | None, log: CorrectionLog) -> None:
    if reference is None or getattr(node, "titre") or not getattr(reference, "titre"):
        return
    titre = reference.titre  # type: ignore[attr-defined]
    log.record(record_id, "titre", None, titre, RULE)
    fixed, fixes = fix_text(titre)
    for fix in fixes:
        log.record(record_id, "titre", fix.before, fix.after, fix.rule)
    node.titre = fixed  # type: ignore[attr-defined]


def _report_missing(plan: Plan, thematique: Thematique, log: CorrectionLog) -> None:
    """Nodes the summary prints and the plan lacks are taken from it, logged."""
    reference = next((t for t in log.summary if t.code == thematique.code), None)
    if reference is None or reference is thematique:
        return
    code = thematique.code
    for axe in reference.axes:
        mine: Axe | None = _find(thematique.axes, axe.numero)
        if mine is None:
            mine = Axe(numero=axe.numero, titre=axe.titre, provenance=axe.provenance)
            thematique.axes.append(mine)
            thematique.axes.sort(key=lambda a: a.numero)
            _taken(plan, log, f"{code}-{axe.numero}", f"{code}: axe {axe.numero}", axe.titre)
        if not mine.objectifs_intermediaires and mine.actions:
            continue  # an axe without OI in the detail document (its actions sit on the axe)
        for oi in axe.objectifs_intermediaires:
            their: ObjectifIntermediaire | None = _find(mine.objectifs_intermediaires, oi.numero)
            if their is None:
                their = ObjectifIntermediaire(numero=oi.numero, titre=oi.titre, provenance=oi.provenance)
                mine.objectifs_intermediaires.append(their)
                mine.objectifs_intermediaires.sort(key=lambda o: o.numero)
                _taken(plan, log, f"{code}-{axe.numero}-{oi.numero}", f"{code}: axe {axe.numero} OI {oi.numero}", oi.titre)
            if _numbering_differs(plan, f"{code}-{axe.numero}-{oi.numero}", their, oi, log):
                continue
            for oo in oi.objectifs_operationnels:
                if _find(their.objectifs_operationnels, oo.numero) is None:
                    their.objectifs_operationnels.append(
                        ObjectifOperationnel(numero=oo.numero, titre=oo.titre, provenance=oo.provenance))
                    their.objectifs_operationnels.sort(key=lambda o: o.numero)
                    _taken(plan, log, f"{code}-{axe.numero}-{oi.numero}-oo{oo.numero}",
                           f"{code}: axe {axe.numero} OI {oi.numero} OO {oo.numero}", oo.titre)


def _taken(plan: Plan, log: CorrectionLog, record_id: str, what: str, titre: str | None) -> None:
    log.record(record_id, "node", None, titre or "", RULE_NODE)
    plan.anomalies.append(Anomaly(code="node_from_summary", severity="info", record_id=record_id,
                                  message=f"{what} is printed in the summary only: taken from it"))
