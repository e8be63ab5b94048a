"""Imported only by the fork server of ``ka2forms convert --jobs N`` (never by ka2forms itself): it sets a
batch worker up once — modules imported, form parsed, map loaded, annex templates compiled — so that every
worker forked from the server starts ready instead of spending ≈ 0.8 s of CPU each.

The options come from the environment variable the pool sets while it starts the server
(:data:`ka2forms.services.batch.SETUP_ENV`). Any failure here is ignored on purpose: the fork server must run,
and a worker that finds no setup makes its own, reporting what went wrong as usual.
"""

from __future__ import annotations


def _preload() -> None:
    import gc
    import os

    from ka2forms.services import batch

    raw = os.environ.get(batch.SETUP_ENV)
    if not raw:
        return
    try:
        options = batch.options_from_json(raw)
        batch._init_worker(options, options.fingerprint())
    except BaseException:           # see the docstring: the fork server must run
        batch._WORKER = None
        return
    gc.freeze()                     # shared with every forked worker: never walked by their collectors


_preload()
