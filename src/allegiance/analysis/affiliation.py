"""Where an actor belongs in the crisis: its allegiance group and its camp, from its sectors and country.

The allegiance tables and the framing comparison both need it; one rule serves both, so an actor never
counts as the government in one view and as someone else in the other for a different reason. The
sector-to-group mapping and which group wins for an actor in several sectors are data
(``data/sectors.yaml``). An actor from a country other than the contest's (``focus``) is foreign first.
"""

from __future__ import annotations

from dataclasses import dataclass

from allegiance.actors.kb import KnowledgeBase
from allegiance.ontology import ontology

INTERNATIONAL, FOREIGN, OTHERS = "international bodies", "foreign states", "others"


@dataclass(frozen=True)
class Affiliation:
    group: str  # the allegiance group
    camp: str  # incumbent, opposition, foreign, other, or unknown when the actor is not identified
    sector: str | None  # the actor's first sector


def affiliation(kb: KnowledgeBase, actor_id: str | None, kind: str | None = None, country: str | None = None,
                sectors: list[str] | None = None, focus: str | None = None) -> Affiliation:
    """What the knowledge base says of the actor wins over what the article row says (kind, country, sectors)."""
    onto = ontology()
    unknown = not actor_id or actor_id.startswith("unknown:")
    actor = kb.actors.get(actor_id) if actor_id else None
    if actor is None and not unknown and ":" in actor_id:  # a group in a country: "VEN:opposition"
        country, actor = actor_id.split(":", 1)[0], kb.actors.get(actor_id.split(":", 1)[1])
    codes = list(actor.sectors) if actor else list(sectors or [])
    country = (actor.country if actor else None) or country
    kind = (actor.kind if actor else None) or kind
    known = [onto.sectors[c] for c in codes if c in onto.sectors]
    foreign = bool(focus and country and country != focus)
    groups = {s.group for s in known}
    camps = {s.camp for s in known}
    if any(s.international for s in known) or (kind == "organisation" and country is None):
        group = INTERNATIONAL
    elif foreign:
        group = FOREIGN
    else:
        group = next((g for g in onto.group_precedence if g in groups), OTHERS)
    if unknown:
        camp = "unknown"
    elif foreign:
        camp = "foreign"
    else:
        camp = next((c for c in onto.camp_precedence if c in camps), "other")
    return Affiliation(group, camp, codes[0] if codes else None)
