"""Compare two plans field by field: how much of the plan read from one rendering of a
document (PDF, scan) equals the plan read from its text export."""

from __future__ import annotations

from dataclasses import dataclass, field

# Every field an action carries, besides its provenance (which differs by nature: line vs page).
ACTION_FIELDS = (
    "numero", "titre", "oo", "porteur", "public_vise", "echeances", "annee_debut", "annee_fin",
    "partenaires", "moyens_humains", "moyens_techniques", "moyens_financiers", "parcours",
    "indicateurs", "fiches_liees",
)
OFFRE_FIELDS = (
    "libelle", "porteur", "public_vise", "echeances", "annee_debut", "annee_fin", "partenaires",
    "moyens_humains", "moyens_techniques", "moyens_financiers", "parcours", "indicateurs",
)


@dataclass
class PlanComparison:
    actions_expected: int
    actions_found: int
    missing: list[str]
    extra: list[str]
    fields: int = 0
    equal: int = 0
    differences: list[tuple[str, str, object, object]] = field(default_factory=list)

    @property
    def share_equal(self) -> float:
        return self.equal / self.fields if self.fields else 1.0

    def summary(self) -> str:
        return (
            f"actions {self.actions_found}/{self.actions_expected} "
            f"(missing {len(self.missing)}, extra {len(self.extra)}), "
            f"fields equal {self.equal}/{self.fields} = {self.share_equal:.2%}"
        )


def compare_plans(expected, found) -> PlanComparison:
    """Fields of `expected`'s actions (and their offers, matched by position) that `found`
    has equal. A missing action counts all its fields as different."""
    mine = {a.id: a for a in expected.all_actions()}
    theirs = {a.id: a for a in found.all_actions()}
    result = PlanComparison(
        len(mine), len(theirs), sorted(set(mine) - set(theirs)), sorted(set(theirs) - set(mine))
    )

    def check(where: str, name: str, a: object, b: object) -> None:
        result.fields += 1
        if a == b:
            result.equal += 1
        else:
            result.differences.append((where, name, a, b))

    for action_id, action in mine.items():
        other = theirs.get(action_id)
        for name in ACTION_FIELDS:
            check(action_id, name, getattr(action, name), getattr(other, name) if other else None)
        for index, offre in enumerate(action.offres):
            other_offre = other.offres[index] if other and index < len(other.offres) else None
            for name in OFFRE_FIELDS:
                check(f"{action_id}/offre {index + 1}", name, getattr(offre, name),
                      getattr(other_offre, name) if other_offre else None)
    return result
