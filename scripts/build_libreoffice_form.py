"""Build ``tests/fixtures/forms/libreoffice-declaration.pdf``: a real form exported by LibreOffice Writer.

Issue 6 asks for tests against forms made by other tools, not only by our own reportlab generator. This script
drives LibreOffice through its UNO API: it creates a Writer document, puts real form controls into the
document's form (the draw page's ``Forms``), anchored as characters after their labels, and exports the
document with ``writer_pdf_Export`` and ``ExportFormFields=true``, so the field tree, ``/DA`` strings,
appearance streams, radio ``/Kids`` and ``/Opt`` arrays are LibreOffice's own.

The form is a partner declaration: text fields ``Organisation``, ``PIC`` (max 9 characters), ``City``,
``Legal representative`` and a multi-line ``Address``; a dropdown list box ``Country`` (display texts only, as
Writer's list boxes export them); a plain list box ``Type``; an editable combo box ``Role``; a radio group
``Public body`` (Yes/No, two option buttons sharing one name, reference values ``yes``/``no``); and a
checkbox ``I agree`` (reference value ``Yes``).

**Needs LibreOffice** (Writer, headless) and its Python bridge, and is only run to refresh the fixture; the
PDF is committed and the tests only read it (CI does not install LibreOffice). On Debian/Ubuntu:

    apt-get install --no-install-recommends libreoffice-writer-nogui python3-uno
    /usr/bin/python3 scripts/build_libreoffice_form.py [--out PATH] [--odt PATH]

Run it with the system Python (the one that can ``import uno``), not the project's virtual environment. It
starts its own ``soffice --headless`` with a private, temporary user profile on a private pipe, and stops it
afterwards. It prints the LibreOffice version, which is also in the PDF's ``/Producer``. The fixture was last
built with LibreOffice 7.4.7.2 (Debian 12); its creation date and ``/ID`` change on every run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "forms" / "libreoffice-declaration.pdf"

COUNTRIES = ["Austria", "Croatia", "Czechia", "Germany", "Hungary", "North Macedonia", "Poland", "Slovakia",
             "Slovenia", "Türkiye"]
TYPES = ["Higher education institution", "VET provider", "Small or medium-sized enterprise", "Public body",
         "Non-governmental organisation"]
ROLES = ["Coordinator", "Partner", "Associated partner"]

CM = 1000  # UNO lengths are in 1/100 mm


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        sys.exit("LibreOffice is not installed (apt-get install libreoffice-writer-nogui python3-uno)")
    return exe


def version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return out or "unknown"


def pv(name: str, value: Any) -> Any:
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(exe: str, profile: Path) -> tuple[subprocess.Popen[bytes], Any]:
    """Start a private headless LibreOffice and return it and its desktop."""
    import uno
    from com.sun.star.connection import NoConnectException

    pipe = f"ka2forms_lo_{os.getpid()}"
    proc = subprocess.Popen([exe, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                             "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
                             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                sys.exit("LibreOffice did not start (no connection on its pipe)")
            time.sleep(0.5)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return proc, desktop


class Builder:
    """Writes paragraphs and inline form controls into a Writer document."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.text = doc.Text
        self.cursor = self.text.createTextCursorByRange(self.text.getEnd())
        form = doc.createInstance("com.sun.star.form.component.Form")
        form.Name = "Declaration"
        doc.DrawPage.Forms.insertByName("Declaration", form)
        self.form = form
        self.first = True

    def paragraph(self, text: str = "", *, size: float = 10, bold: bool = False, grey: bool = False,
                  after: float = 0.25) -> None:
        from com.sun.star.awt.FontWeight import BOLD, NORMAL
        from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

        if not self.first:
            self.text.insertControlCharacter(self.cursor, PARAGRAPH_BREAK, False)
        self.first = False
        c = self.cursor
        c.CharFontName = "DejaVu Sans"
        c.CharHeight = size
        c.CharWeight = BOLD if bold else NORMAL
        c.CharColor = 0x555555 if grey else 0x000000
        c.ParaBottomMargin = int(after * CM)
        c.ParaTopMargin = 0
        self.tabs(4.6)
        if text:
            self.text.insertString(c, text, False)

    def tabs(self, *positions_cm: float) -> None:
        import uno
        from com.sun.star.style import TabStop

        stops = []
        for pos in positions_cm:
            t = TabStop()
            t.Position = int(pos * CM)
            stops.append(t)
        self.cursor.ParaTabStops = uno.Any("[]com.sun.star.style.TabStop", tuple(stops))

    def write(self, text: str) -> None:
        self.text.insertString(self.cursor, text, False)

    def control(self, kind: str, name: str, width_cm: float, height_cm: float = 0.7, **props: Any) -> Any:
        """Insert a control (``TextField``, ``CheckBox``, ``RadioButton``, ``ListBox``, ``ComboBox``) here."""
        import uno
        from com.sun.star.awt import Size
        from com.sun.star.text.TextContentAnchorType import AS_CHARACTER

        model = self.doc.createInstance(f"com.sun.star.form.component.{kind}")
        model.Name = name
        for key, value in props.items():
            if isinstance(value, list):
                value = uno.Any("[]string", tuple(value))
                uno.invoke(model, "setPropertyValue", (key, value))
            else:
                setattr(model, key, value)
        self.form.insertByIndex(self.form.Count, model)
        shape = self.doc.createInstance("com.sun.star.drawing.ControlShape")
        shape.Size = Size(int(width_cm * CM), int(height_cm * CM))
        shape.AnchorType = AS_CHARACTER
        shape.Control = model
        self.text.insertTextContent(self.cursor, shape, False)
        return model


def build(doc: Any) -> None:
    """The partner declaration's text and controls."""
    styles = doc.StyleFamilies.getByName("PageStyles").getByName("Standard")
    styles.Width, styles.Height = 21000, 29700
    styles.LeftMargin = styles.RightMargin = 2 * CM
    styles.TopMargin = styles.BottomMargin = 2 * CM
    doc.DocumentProperties.Title = "Partner declaration (LibreOffice Writer form, ka2forms test fixture)"
    doc.DocumentProperties.Author = "ka2forms"

    b = Builder(doc)
    b.paragraph("Partner declaration", size=16, bold=True, after=0.15)
    b.paragraph("Erasmus+ Key Action 2 – one declaration per partner organisation. Made in LibreOffice Writer "
                "with form controls and exported to PDF with form fields.", size=8.5, grey=True, after=0.6)

    text = {"Border": 1, "BackgroundColor": 0xEEF2FF, "FontName": "DejaVu Sans", "FontHeight": 10.0}
    rows: list[tuple[str, str, str, float, float, dict[str, Any]]] = [
        ("Organisation", "TextField", "Organisation", 11.8, 0.7, {**text, "MaxTextLen": 0}),
        ("PIC", "TextField", "PIC", 4.0, 0.7, {**text, "MaxTextLen": 9}),
        ("Country", "ListBox", "Country", 6.0, 0.7,
         {"Border": 1, "Dropdown": True, "StringItemList": COUNTRIES, "LineCount": 10}),
        ("City", "TextField", "City", 8.0, 0.7, text),
        ("Type of organisation", "ListBox", "Type", 8.0, 2.2,
         {"Border": 1, "Dropdown": False, "StringItemList": TYPES}),
        ("Role in the project", "ComboBox", "Role", 6.0, 0.7,
         {"Border": 1, "Dropdown": True, "StringItemList": ROLES}),
        ("Legal representative", "TextField", "Legal representative", 11.8, 0.7, text),
        ("Address", "TextField", "Address", 11.8, 2.0, {**text, "MultiLine": True}),
    ]
    for label, kind, name, width, height, props in rows:
        b.paragraph(label + "\t", size=9.5)
        b.control(kind, name, width, height, **props)

    b.paragraph("Public body\t", size=9.5)
    for ref, label in (("yes", "Yes"), ("no", "No")):
        b.control("RadioButton", "Public body", 2.2, 0.6, Label=label, RefValue=ref, GroupName="Public body",
                  FontName="DejaVu Sans", FontHeight=10.0)
    b.paragraph("\t", size=9.5, after=0.6)
    b.control("CheckBox", "I agree", 11.8, 0.6, Label="I agree: the information above is correct.",
              RefValue="Yes", FontName="DejaVu Sans", FontHeight=10.0)
    b.paragraph("Signature of the legal representative, place and date:", size=9.5, after=1.2)
    b.paragraph("______________________________________", size=9.5)


def export(doc: Any, target: Path) -> None:
    import uno

    data = uno.Any("[]com.sun.star.beans.PropertyValue", (
        pv("ExportFormFields", True), pv("FormsType", 1), pv("AllowDuplicateFieldNames", False),
        pv("ExportBookmarks", False), pv("ExportNotes", False), pv("UseTaggedPDF", False),
        pv("EmbedStandardFonts", False), pv("ExportLinksRelativeFsys", False),
    ))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".pdf")
    os.close(fd)
    try:
        doc.storeToURL(Path(tmp).as_uri(), (pv("FilterName", "writer_pdf_Export"), pv("FilterData", data)))
        os.chmod(tmp, 0o644)  # mkstemp makes it private
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the PDF (default: the test fixture)")
    ap.add_argument("--odt", type=Path, help="also save the Writer document here")
    args = ap.parse_args(argv)
    try:
        import uno  # noqa: F401
    except ImportError:
        sys.exit("no LibreOffice Python bridge: run with the system python3 after apt-get install python3-uno")
    exe = soffice()
    print(version(exe))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ka2forms-lo-") as profile:
        proc, desktop = connect(exe, Path(profile))
        try:
            doc = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, (pv("Hidden", True),))
            try:
                build(doc)
                if args.odt:
                    doc.storeToURL(args.odt.resolve().as_uri(), (pv("FilterName", "writer8"),))
                    print(f"wrote {args.odt}")
                export(doc, args.out.resolve())
            finally:
                doc.close(True)
        finally:
            with contextlib.suppress(Exception):  # the bridge drops as LibreOffice exits
                desktop.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
