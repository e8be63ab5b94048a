"""docs/forms-rotated.png: a form with fields turned 0, 90, 180 and 270 degrees (/MK /R), filled by ka2forms.

    .venv/bin/python scripts/build_rotated_example.py      # needs poppler's pdftoppm

The form is built as the tests build theirs (tests/feature_forms.py); the picture is what poppler draws.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    spec = importlib.util.spec_from_file_location("feature_forms", ROOT / "tests" / "feature_forms.py")
    assert spec and spec.loader
    forms = importlib.util.module_from_spec(spec)
    sys.modules["feature_forms"] = forms
    spec.loader.exec_module(forms)
    from PIL import Image

    from ka2forms.pdf.fill import FormTemplate

    specs = [forms.Spec("upright", (60, 770, 330, 792)),
             forms.Spec("turned 90", (60, 560, 84, 760), rotation=90),
             forms.Spec("turned 270", (306, 560, 330, 760), rotation=270),
             forms.Spec("turned 180", (60, 526, 330, 548), rotation=180),
             forms.Spec("comb", (100, 600, 280, 622), flags=forms.COMB, maxlen=9)]
    values = {"upright": "Univerza v Ljubljani", "turned 90": "Žiga Černe, Brno", "turned 270": "Łódź – Kraków",
              "turned 180": "Politechnika Łódzka", "comb": "949123456"}
    data = FormTemplate.load(forms.build(specs), name="rotated.pdf").fill(values).data
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp, "rotated.pdf")
        pdf.write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(Path(tmp, "page"))],
                       check=True)
        image = Image.open(Path(tmp, "page.png"))
        s = 110 / 72
        h = forms.PAGE[1]
        box = (int(50 * s), int((h - 800) * s), int(340 * s), int((h - 518) * s))
        image.crop(box).convert("P", palette=Image.ADAPTIVE, colors=64).save(ROOT / "docs" / "forms-rotated.png",
                                                                             optimize=True)
    print(ROOT / "docs" / "forms-rotated.png")


if __name__ == "__main__":
    main()
