"""The Arrow memory pool an import allocates from, handed to each call that needs it."""

from __future__ import annotations

from functools import cache

import pyarrow as pa


@cache
def import_pool() -> pa.MemoryPool:
    """The Arrow pool an import's large buffers come from: jemalloc where pyarrow has it,
    else the C library's allocator (made on the first import, so that merely loading
    servicecheck starts no allocator).

    pyarrow's default, mimalloc, is slow on a fresh process's first few hundred megabytes:
    measured here, the 1M-event CSV import took 0.3 s longer (reading and trimming: 0.41 s
    with jemalloc, 0.45 s with malloc, 0.58-0.85 s with mimalloc) and the 1M-event XES
    import 0.7-1.2 s longer. The pool is handed to each Arrow call that reads or cuts a
    source (``memory_pool=``), never set as the process's default: the web app's other
    threads, and a notebook's own Arrow work, keep the allocator they had.
    """
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # builds without jemalloc (Windows, some conda builds)
        return pa.system_memory_pool()
