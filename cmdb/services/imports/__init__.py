"""Asset import: upload → column mapping → dry run → apply (all valid rows, or nothing).

Rows are matched to items by asset tag, ignoring case. An empty cell leaves the item's
value as it is, so re-importing a file (or an export) changes nothing. Every change
goes through ci_create / ci_update with the reason "import <batch id>", so it shows on
each item's timeline. The dry run is recomputed when applying: what is applied is
what the data says at that moment, never a stale preview.

The package, by concern:

- fields: the importable fields, class attributes as columns, guessing the mapping;
- cells: reading a cell into the value it names (look-ups of reference data);
- plan: the dry run, row by row and across the file (parents);
- batches: the batch's steps (upload, preview, apply, expiry) and their checks.
"""

from .batches import (
    ImportRefused,
    import_apply,
    import_batches_expire,
    import_preview,
    import_upload,
    max_rows,
)
from .cells import location_key
from .fields import (
    ATTRIBUTE_PREFIX,
    FIELD_BY_KEY,
    FIELDS,
    AttributeColumn,
    ImportField,
    attribute_columns,
    guess_mapping,
    import_fields,
)
from .plan import Plan, RowPlan, import_plan

__all__ = [
    "ATTRIBUTE_PREFIX",
    "FIELDS",
    "FIELD_BY_KEY",
    "AttributeColumn",
    "ImportField",
    "ImportRefused",
    "Plan",
    "RowPlan",
    "attribute_columns",
    "guess_mapping",
    "import_apply",
    "import_batches_expire",
    "import_fields",
    "import_plan",
    "import_preview",
    "import_upload",
    "location_key",
    "max_rows",
]
