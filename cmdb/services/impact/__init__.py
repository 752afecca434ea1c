"""Impact analysis: what stops working, and for whom, when a configuration item fails.

`ci_impact` answers the CMDB impact page and API; `cis_impact`, the same answer for
several items failing together in one walk, answers the change and release pages and
their notices (changes.selectors.change_impact). It has to answer within a second at 50,000 items and 200,000 relationships,
also for a hub whose failure reaches nearly the whole estate, so:

- the walk queries one graph level at a time while the reached set is small (a real
  estate is a shallow tree), and loads the failure edge list once, as plain tuples,
  when the reach grows past a few percent of the relationships;
- the result is computed from compact rows (tuples, no model instances): items reached
  with their depth, users with their effective service level, departments, levels;
- `Impact.items` and `Impact.users` are complete, sorted sequences whose model
  instances are built only when a caller reads them, a chunk at a time. A page that
  shows the first 500 items builds 500; a caller that iterates them all gets them all.

The package: `walk` finds what depends on the failed items (ids, depths, edges);
`answer` turns that into the Impact (items, users, departments, levels) read lazily.
"""

from .answer import Impact, ImpactItems, ImpactUsers, ci_impact, cis_impact
from .walk import ImpactEdge, impacted_ids, impacted_ids_from

__all__ = [
    "Impact",
    "ImpactEdge",
    "ImpactItems",
    "ImpactUsers",
    "ci_impact",
    "cis_impact",
    "impacted_ids",
    "impacted_ids_from",
]
