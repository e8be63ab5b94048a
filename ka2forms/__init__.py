"""ka2forms: the Erasmus+ KA2 Programme Guide as data, and partner workbooks turned into checks and forms.

The core (rules, places, model, readers, services) never imports a front end or xlwings, so it runs
anywhere Python runs. Front ends (``cli``, ``udfs``, ``ribbon``, batch) are thin skins over it.
"""

__version__ = "0.1.0"


def main() -> None:
    """What the Excel add-in's button runs (``import ka2forms; ka2forms.main()``): see ka2forms.excel.ribbon."""
    from ka2forms.excel.ribbon import generate_annex

    generate_annex()
