"""Layout of the small impact graph: columns by distance from the failed item (no database)."""

from dataclasses import dataclass
from itertools import compress
from operator import itemgetter

from .choices import RelationshipType

COLUMN_WIDTH = 170
ROW_HEIGHT = 46
NODE_WIDTH = 140
NODE_HEIGHT = 30
MARGIN = 10


@dataclass
class Node:
    pk: int
    label: str
    title: str
    x: int
    y: int
    root: bool = False


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    label: str


@dataclass
class Graph:
    nodes: list
    edges: list
    width: int
    height: int
    hidden: int  # items left out to keep the picture readable


def impact_graph(impact, *, per_column: int = 8, max_depth: int = 4) -> Graph:
    """Nodes placed in a column per hop from the failed item, at most `per_column` each."""
    columns: dict[int, list] = {0: list(getattr(impact, "cis", None) or [impact.ci])}
    nearest = getattr(impact.items, "nearest", None)
    if nearest is not None:  # builds only the items drawn, not every one reached
        columns.update(nearest(per_depth=per_column, max_depth=max_depth))
    else:
        for item in impact.items:
            level = impact.depth[item.pk]
            if level <= max_depth:
                columns.setdefault(level, []).append(item)
    nodes: dict[int, Node] = {}
    for level, items in sorted(columns.items()):
        for row, item in enumerate(items[:per_column]):
            nodes[item.pk] = Node(
                pk=item.pk,
                label=_short(item.asset_tag, 18),
                title=str(item),
                x=MARGIN + level * COLUMN_WIDTH,
                y=MARGIN + row * ROW_HEIGHT,
                root=level == 0,
            )
    edges = []
    drawn = compress(impact.edges, map(nodes.__contains__, map(itemgetter(1), impact.edges)))
    for edge in drawn:  # of tens of thousands of edges, the few between drawn nodes
        a, b = nodes.get(edge.from_id), nodes.get(edge.to_id)
        if a and b:
            edges.append(
                Edge(
                    x1=a.x + NODE_WIDTH,
                    y1=a.y + NODE_HEIGHT // 2,
                    x2=b.x,
                    y2=b.y + NODE_HEIGHT // 2,
                    label=str(RelationshipType(edge.type).label),
                )
            )
    tallest = max(min(len(items), per_column) for items in columns.values())
    return Graph(
        nodes=list(nodes.values()),
        edges=edges,
        width=2 * MARGIN + (len(columns) - 1) * COLUMN_WIDTH + NODE_WIDTH,
        height=2 * MARGIN + tallest * ROW_HEIGHT,
        hidden=len(columns[0]) + len(impact.items) - len(nodes),
    )


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
