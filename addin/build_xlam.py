"""Build addin/ka2forms.xlam from xlwings' own ribbon add-in template, reproducibly.

Why derive instead of hand-editing in Excel: the template's VBA (xlwings.bas, RibbonMyAddin) is tied to one
exact xlwings version (it declares xlwings64-<version>.dll), so the add-in must be rebuilt whenever the
pinned xlwings changes. Only XML parts are changed here; xl/vbaProject.bin is copied byte for byte, so the
button still calls RibbonMyAddin.RunMain, which runs ``import ka2forms; ka2forms.main()`` (the add-in's file
name without extension is the module it imports).

Changes to the template:
- customUI/customUI.xml: a "KA2" tab with a "Generate annex" button (onAction RibbonMyAddin.RunMain);
- the configuration sheet ``_myaddin.conf`` is activated as ``myaddin.conf`` (xlwings.bas keeps
  PROJECT_NAME = "myaddin") with ``UDF Modules = ka2forms.udfs`` pre-filled.

Zip entries keep the template's order and timestamps, so two builds are byte-identical.

    python addin/build_xlam.py [--out addin/ka2forms.xlam]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

XLWINGS_PIN = "0.37.8"  # keep equal to the `excel` extra in pyproject.toml
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "ka2forms.xlam"
CONF_SHEET = "myaddin.conf"
UDF_MODULES = "ka2forms.udfs"

RIBBON_XML = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="ka2Tab" label="KA2">
        <group id="ka2Application" label="Erasmus+ application">
          <button id="ka2GenerateAnnex" label="Generate annex" size="large" imageMso="FileSaveAsPdfOrXps"
                  screentip="Generate the application annex"
                  supertip="Checks the consortium in the active workbook (sheets Project and Partners) and writes the annex next to it. The workbook itself is never changed."
                  onAction="RibbonMyAddin.RunMain"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def template_path() -> Path:
    import xlwings

    if xlwings.__version__ != XLWINGS_PIN:
        raise SystemExit(f"xlwings {xlwings.__version__} is installed, the add-in is pinned to {XLWINGS_PIN}: "
                         f"pip install xlwings=={XLWINGS_PIN} (and update XLWINGS_PIN and pyproject together)")
    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def _patch(name: str, data: bytes) -> bytes:
    if name == "customUI/customUI.xml":
        return RIBBON_XML.encode("utf-8")
    if name == "xl/workbook.xml":
        old = b'<sheet name="_myaddin.conf"'
        if old not in data:
            raise SystemExit("template changed: no _myaddin.conf sheet in xl/workbook.xml")
        return data.replace(old, f'<sheet name="{CONF_SHEET}"'.encode())
    if name == "xl/worksheets/sheet1.xml":
        # A6 holds the shared string "UDF Modules"; give it a value in B6.
        old = b'<row r="6" spans="1:1" ht="15.75"><c r="A6" s="1" t="s"><v>1</v></c></row>'
        if old not in data:
            raise SystemExit("template changed: 'UDF Modules' is not in A6 of the conf sheet")
        new = (b'<row r="6" spans="1:2" ht="15.75"><c r="A6" s="1" t="s"><v>1</v></c>'
               b'<c r="B6" s="1" t="inlineStr"><is><t>' + UDF_MODULES.encode() + b"</t></is></c></row>")
        return data.replace(old, new)
    return data


def build(out: Path = DEFAULT_OUT) -> str:
    """Write the add-in atomically; return its SHA-256."""
    src = template_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".xlam.tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = _patch(info.filename, zin.read(info.filename))
                entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = info.external_attr
                zout.writestr(entry, data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    digest = build(args.out)
    print(f"wrote {args.out} (sha256 {digest[:16]}…)")


if __name__ == "__main__":
    main()
