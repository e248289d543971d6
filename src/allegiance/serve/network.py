"""The allegiance network at a date: the stances of ``analysis/allegiances`` as nodes and edges, with the
edges that turned against a contender since a month before marked as defections; and as GEXF."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis.allegiances import allegiances, contenders
from allegiance.store.queries import Queries

#: How far back a stance is compared to call a turn against a contender a defection.
DEFECTION_WINDOW = dt.timedelta(days=28)


def network(store: Queries, kb: KnowledgeBase, at: dt.date | None) -> dict:
    now = allegiances(store, kb, at)
    before = {} if at is None else {(s.actor_id, s.contender_id): s.stance
                                    for s in allegiances(store, kb, at - DEFECTION_WINDOW)}
    heads = dict(contenders(store))
    nodes = {cid: {"id": cid, "label": name, "role": "contender", "sector": None, "group": None}
             for cid, name in heads.items()}
    edges = []
    for s in now:
        if s.actor_id not in nodes:
            nodes[s.actor_id] = {"id": s.actor_id, "label": s.actor, "role": "actor", "sector": s.sector,
                                 "group": s.group}
        if s.contender_id not in nodes:
            nodes[s.contender_id] = {"id": s.contender_id, "label": s.contender, "role": "contender", "sector": None,
                                     "group": None}
        edges.append({"source": s.actor_id, "target": s.contender_id, "stance": s.stance, "since": s.since,
                      "status": s.status, "num_sources": s.num_sources,
                      "defection": s.stance < 0 and before.get((s.actor_id, s.contender_id)) == 1})
    return {"date": None if at is None else at.isoformat(), "nodes": list(nodes.values()), "edges": edges}


#: Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(value) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def gexf(net: dict) -> bytes:
    """GEXF 1.3 for Gephi and other graph tools; every label goes through the XML writer's escaping."""
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "allegiance"
    ET.SubElement(meta, "description").text = f"allegiance network at {net['date'] or 'the latest date'}"
    graph = ET.SubElement(root, "graph", {"mode": "static", "defaultedgetype": "directed"})
    node_attrs = ET.SubElement(graph, "attributes", {"class": "node"})
    for i, (title, kind) in enumerate((("role", "string"), ("sector", "string"), ("group", "string"))):
        ET.SubElement(node_attrs, "attribute", {"id": str(i), "title": title, "type": kind})
    edge_attrs = ET.SubElement(graph, "attributes", {"class": "edge"})
    for i, (title, kind) in enumerate((("stance", "integer"), ("since", "string"), ("status", "string"),
                                       ("defection", "boolean"))):
        ET.SubElement(edge_attrs, "attribute", {"id": str(i), "title": title, "type": kind})
    nodes = ET.SubElement(graph, "nodes")
    for n in net["nodes"]:
        node = ET.SubElement(nodes, "node", {"id": _x(n["id"]), "label": _x(n["label"] or n["id"])})
        values = ET.SubElement(node, "attvalues")
        for i, key in enumerate(("role", "sector", "group")):
            if n[key] is not None:
                ET.SubElement(values, "attvalue", {"for": str(i), "value": _x(n[key])})
    edges = ET.SubElement(graph, "edges")
    for i, e in enumerate(net["edges"]):
        edge = ET.SubElement(edges, "edge", {"id": str(i), "source": _x(e["source"]), "target": _x(e["target"]),
                                             "weight": str(e["num_sources"])})
        values = ET.SubElement(edge, "attvalues")
        for j, key in enumerate(("stance", "since", "status", "defection")):
            if e[key] is not None:
                value = str(e[key]).lower() if isinstance(e[key], bool) else _x(e[key])
                ET.SubElement(values, "attvalue", {"for": str(j), "value": value})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
