"""Excel front ends: worksheet functions (``udfs``) and the ribbon's buttons (``ribbon``).

``ka2forms.udfs`` and ``ka2forms.main`` stay importable at their old places: the add-in names them.
"""
