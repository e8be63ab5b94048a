"""Build hook: ship the top-level ``templates/`` (the default annex templates and labels) inside the wheel as
``ka2forms/templates/``. Metadata lives in pyproject.toml.

Why: users edit and look for the templates at the repository's top level, while an installed (non-editable)
ka2forms must still find them. ``ka2forms.services.annex.templates_dir()`` looks in ``ka2forms/templates``
first (a wheel) and then in the checkout's ``templates/`` (editable installs, running from a clone).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHIPPED = ("*.j2", "*.docx", "*.yaml")


class build_py_with_templates(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "ka2forms" / "templates"
        target.mkdir(parents=True, exist_ok=True)
        for pattern in SHIPPED:
            for src in sorted(TEMPLATES.glob(pattern)):
                shutil.copy2(src, target / src.name)


setup(cmdclass={"build_py": build_py_with_templates})
