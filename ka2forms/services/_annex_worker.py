"""Child process that renders a user's annex template under limits (started by ``annex._render_isolated``).

Protocol: stdin is a pickle from the parent (trusted: our own process) with the context, the format, the
template path and the limits. stdout is ``OK\\n`` + the rendered bytes, or ``ERR\\n`` + JSON
``{"message", "line"}``. The parent never unpickles anything from this process.

Limits: the address space (``RLIMIT_AS``) and CPU seconds (``RLIMIT_CPU``) where the OS has ``resource``
(Linux, macOS); on Windows only the parent's wall-clock timeout applies.
"""

from __future__ import annotations

import json
import math
import pickle
import sys
from pathlib import Path


def _limit(memory_mb: int, seconds: float) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's timeout is the only limit
        return
    cpu = max(1, math.ceil(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> int:
    request = pickle.loads(sys.stdin.buffer.read())
    _limit(int(request["memory_mb"]), float(request["seconds"]))
    out = sys.stdout.buffer
    template = Path(request["template"])
    try:
        from ka2forms.services.annex import _template_error, render_context

        data = render_context(request["context"], fmt=request["fmt"], template=template, sandbox=True)
    except MemoryError:
        out.write(b"ERR\n" + json.dumps({"message": "the template needs more memory than allowed "
                                         f"({request['memory_mb']} MB)", "line": None}).encode())
        return 1
    except Exception as e:  # every failure of a user's template is reported as a TemplateError
        from ka2forms.errors import InputError

        if isinstance(e, InputError) and not hasattr(e, "line"):
            err = {"message": e.message, "line": None}
        else:
            te = _template_error(e, template)
            err = {"message": te.message, "line": te.line}
        out.write(b"ERR\n" + json.dumps(err).encode())
        return 1
    out.write(b"OK\n" + data)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
