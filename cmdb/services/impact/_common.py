"""What the impact walk and the answer share: the chunk size, the GC pause, row keys."""

import gc
from contextlib import contextmanager
from operator import itemgetter

# Keeps every `IN (…)` list well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 2000


@contextmanager
def _many_objects():
    """Pause the cyclic garbage collector while tens of thousands of rows are built.

    Rows, sets and model instances here form no reference cycles, and reference
    counting still frees them; but each collection walks every live object, and with
    200,000 edge rows alive that costs a third of the time. Restored on the way out.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_FAILED, _REACHED = itemgetter(0), itemgetter(1)
_FIRST = _FAILED  # the id in an item row, the item in an item-user row
