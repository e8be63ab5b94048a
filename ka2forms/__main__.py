"""``python -m ka2forms`` runs the command line."""

from ka2forms.cli import main

main()
