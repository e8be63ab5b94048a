"""The worksheet functions under the name the Excel add-in imports (``UDF Modules = ka2forms.udfs``).

They live in :mod:`ka2forms.excel.udfs`; this module re-exports them so installed add-ins keep working.
"""

from ka2forms.excel.udfs import *  # noqa: F403
from ka2forms.excel.udfs import __all__  # noqa: F401
