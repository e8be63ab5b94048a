"""Build addin/ka2forms.oxt: the LibreOffice Calc extension with every KA2 worksheet function.

Why generated: the function list, arguments and English help are those of ``ka2forms.udfs`` (an interface
promise), taken from the same xlwings metadata as the Windows add-in's VBA wrappers, so Calc, Excel and
xlwings Lite cannot drift apart. What the build writes into the .oxt:

- ``XKa2.rdb``: the UNO type library, compiled with ``unoidl-write`` (Debian package libreoffice-dev) from
  an IDL interface with one method per function: ``any`` arguments, ``sequence<sequence<any>>`` results;
- ``ka2forms_calc.py`` (addin/calc/): the add-in component and the job that rewrites KA2 formulas when a
  document loads; ``Jobs.xcu`` registers the job for the OnLoad event;
- ``pythonpath/``: the pure-Python ka2forms core (this checkout's package), PyYAML's pure-Python package and
  ``ka2forms_calc_texts.py`` (names and help in English, Slovenian and Czech);
- ``description.xml`` and ``META-INF/manifest.xml``.

Entries are written in sorted order with a fixed timestamp, so two builds of one checkout are identical.
The .oxt (~5 MB, mostly the place gazetteer) is not committed: build it, then install it with
``unopkg add addin/ka2forms.oxt`` or *Tools › Extension Manager › Add*.

    python addin/build_oxt.py [--out addin/ka2forms.oxt]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from _package import main, write_zip

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "ka2forms.oxt"
UNOIDL_WRITE = ("unoidl-write", "/usr/lib/libreoffice/sdk/bin/unoidl-write")
TYPES_RDB = ("/usr/lib/libreoffice/program/types.rdb",)
_ZIP_TIME = (2025, 3, 3, 9, 0, 0)

# Slovenian and Czech help: function descriptions, and argument (name, description) by Python argument name.
FUNCTION_TEXTS = {
    "KA2_BAND": {"sl": "Razdaljni razred, npr. »100-499« (km, v eno smer), ki določa strošek na enoto za potovanje.",
                 "cs": "Vzdálenostní pásmo, např. „100-499“ (km, jedním směrem), které určuje jednotkový náklad na cestu."},
    "KA2_BUDGET_CHECK": {"sl": "Tabela (preverjanje, zahtevano, dejansko, v redu) proračuna glede na pravila ukrepa, s skupnim zneskom.",
                         "cs": "Tabulka (kontrola, požadováno, skutečnost, OK) rozpočtu podle pravidel akce, s celkovou částkou."},
    "KA2_CHECK": {"sl": "Tabela (merilo, zahtevano, dejansko, v redu) preverjanja konzorcija.",
                  "cs": "Tabulka (kritérium, požadováno, skutečnost, OK) kontroly konsorcia."},
    "KA2_COUNTRY": {"sl": "Status države v letu razpisa, npr. »država članica EU«.",
                    "cs": "Status země v roce výzvy, např. „členský stát EU“."},
    "KA2_DISTANCE": {"sl": "Razdalja v eno smer po velikem krogu v km, kot jo meri kalkulator razdalj Evropske komisije.",
                     "cs": "Vzdálenost jedním směrem po hlavní kružnici v km, jak ji měří kalkulačka vzdáleností Evropské komise."},
    "KA2_ELIGIBLE": {"sl": "TRUE, ko konzorcij izpolnjuje vsa merila ukrepa v letu razpisa.",
                     "cs": "TRUE, když konsorcium splňuje všechna kritéria akce v roce výzvy."},
    "KA2_GRANT": {"sl": "Dovoljena sredstva v EUR: pavšalni zneski ali zgornja meja za trajanje.",
                  "cs": "Povolený grant v EUR: jednorázové částky, nebo strop pro dobu trvání."},
    "KA2_TRAVEL": {"sl": "Strošek na enoto za potovanje v EUR na udeleženca (povratna pot) za razdaljni razred; 0 pod 10 km.",
                   "cs": "Jednotkový náklad na cestu v EUR na účastníka (zpáteční cesta) pro vzdálenostní pásmo; 0 pod 10 km."},
    "KA2_TRAVEL_PLAN": {"sl": "Znesek v EUR za vsako vrstico načrta potovanj (strošek na enoto × udeleženci).",
                        "cs": "Částka v EUR za každý řádek plánu cest (jednotkový náklad × účastníci)."},
    "KA2_VERSION": {"sl": "Različica ka2forms in izdaja njegovih pravil (navedite jo, ko prosite za pomoč).",
                    "cs": "Verze ka2forms a vydání jeho pravidel (uveďte ji, když žádáte o pomoc)."},
}
ARGUMENT_TEXTS = {
    "from_place": {"sl": ("od", "Kraj odhoda ali stolpec krajev"), "cs": ("odkud", "Místo odjezdu nebo sloupec míst")},
    "to_place": {"sl": ("do", "Kraj prihoda ali stolpec enake velikosti"),
                 "cs": ("kam", "Místo příjezdu nebo sloupec stejné velikosti")},
    "call_year": {"sl": ("leto_razpisa", "Leto razpisa, npr. 2025"), "cs": ("rok_výzvy", "Rok výzvy, např. 2025")},
    "green": {"sl": ("zeleno", "TRUE za zeleno potovanje (vlak, avtobus, skupna vožnja)"),
              "cs": ("zeleně", "TRUE pro zelené cestování (vlak, autobus, sdílená jízda)")},
    "partners": {"sl": ("partnerji", "Tabela partnerjev z vrstico glav"),
                 "cs": ("partneři", "Tabulka partnerů s řádkem záhlaví")},
    "action": {"sl": ("ukrep", "Koda ukrepa, npr. »KA220-VET«"), "cs": ("akce", "Kód akce, např. „KA220-VET“")},
    "country": {"sl": ("država", "Država: koda ISO ali ime v katerem koli jeziku"),
                "cs": ("země", "Země: kód ISO nebo název v libovolném jazyce")},
    "duration": {"sl": ("trajanje", "Trajanje v mesecih"), "cs": ("doba_trvání", "Doba trvání v měsících")},
    "plan": {"sl": ("načrt", "Tabela načrta potovanj z vrstico glav"),
             "cs": ("plán", "Tabulka plánu cest s řádkem záhlaví")},
    "budget": {"sl": ("proračun", "Tabela proračuna z vrstico glav"),
               "cs": ("rozpočet", "Tabulka rozpočtu s řádkem záhlaví")},
    "lang": {"sl": ("jezik", "Jezik sporočil: »en« (privzeto), »sl«, »cs«, »de«"),
             "cs": ("jazyk", "Jazyk zpráv: „en“ (výchozí), „sl“, „cs“, „de“")},
    "requested_grant": {"sl": ("zaprošena_sredstva", "Zaprošena sredstva v EUR (neobvezno)"),
                        "cs": ("požadovaný_grant", "Požadovaný grant v EUR (nepovinné)")},
}

TEXTS_MODULE = '''"""Names and help of the KA2 functions in Calc (generated by addin/build_oxt.py: do not edit)."""

import json

FUNCTIONS = json.loads({data!r})


def language(code):
    return code if code in ("sl", "cs") else "en"


def description(name, lang):
    f = FUNCTIONS.get(name)
    return f["description"].get(lang) or f["description"]["en"] if f else ""


def argument(name, index, lang):
    f = FUNCTIONS.get(name)
    if not f or not 0 <= index < len(f["args"]):
        return ("", "")
    a = f["args"][index]
    return tuple(a.get(lang) or a["en"])
'''

JOBS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
    oor:name="Jobs" oor:package="org.openoffice.Office">
  <node oor:name="Jobs">
    <node oor:name="org.ka2forms.RewriteFormulas" oor:op="replace">
      <prop oor:name="Service"><value>org.ka2forms.RewriteFormulas</value></prop>
    </node>
  </node>
  <node oor:name="Events">
    <node oor:name="OnLoad" oor:op="fuse">
      <node oor:name="JobList">
        <node oor:name="org.ka2forms.RewriteFormulas" oor:op="replace"/>
      </node>
    </node>
    <node oor:name="OnStartApp" oor:op="fuse">
      <node oor:name="JobList">
        <node oor:name="org.ka2forms.RewriteFormulas" oor:op="replace"/>
      </node>
    </node>
  </node>
</oor:component-data>
"""

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">
  <manifest:file-entry manifest:full-path="XKa2.rdb" manifest:media-type="application/vnd.sun.star.uno-typelibrary;type=RDB"/>
  <manifest:file-entry manifest:full-path="ka2forms_calc.py" manifest:media-type="application/vnd.sun.star.uno-component;type=Python"/>
  <manifest:file-entry manifest:full-path="Jobs.xcu" manifest:media-type="application/vnd.sun.star.configuration-data"/>
</manifest:manifest>
"""

DESCRIPTION = """<?xml version="1.0" encoding="UTF-8"?>
<description xmlns="http://openoffice.org/extensions/description/2006" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:d="http://openoffice.org/extensions/description/2006">
  <identifier value="org.ka2forms.calc"/>
  <version value="{version}"/>
  <dependencies><d:OpenOffice.org-minimal-version value="4.0" d:name="OpenOffice.org 4.0"/></dependencies>
  <display-name>
    <name lang="en">ka2forms: Erasmus+ KA2 functions</name>
    <name lang="sl">ka2forms: funkcije Erasmus+ KA2</name>
    <name lang="cs">ka2forms: funkce Erasmus+ KA2</name>
  </display-name>
</description>
"""


def _camel(name: str) -> str:
    """UNO IDL refuses an underscore followed by a lower-case letter in identifiers: call_year → callYear."""
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def functions() -> list[dict[str, object]]:
    """Every worksheet function with its help in the three languages (English from ka2forms.udfs)."""
    sys.path.insert(0, str(HERE))
    from build_xlam import udf_module

    _, meta = udf_module()
    out = []
    for f in sorted(meta, key=lambda f: str(f["name"])):
        name = str(f["name"])
        if name not in FUNCTION_TEXTS:
            raise SystemExit(f"{name}: add its Slovenian and Czech description to FUNCTION_TEXTS")
        args = []
        for a in f["args"]:  # type: ignore[union-attr]
            if a["name"] not in ARGUMENT_TEXTS:
                raise SystemExit(f"{name}: add argument {a['name']!r} to ARGUMENT_TEXTS")
            args.append({"name": a["name"], "en": [a["name"], a["doc"]], **ARGUMENT_TEXTS[a["name"]]})
        out.append({"name": name, "args": args,
                    "description": {"en": " ".join(str(f["doc"]).split()), **FUNCTION_TEXTS[name]}})
    return out


def idl(funcs: list[dict[str, object]]) -> str:
    lines = ["#include <com/sun/star/uno/XInterface.idl>", "module org { module ka2forms {",
             "    interface XKa2 : com::sun::star::uno::XInterface", "    {"]
    for f in funcs:
        params = ", ".join(f"[in] any {_camel(str(a['name']))}" for a in f["args"])  # type: ignore[union-attr]
        lines.append(f"        sequence< sequence< any > > {f['name']}({params});")
    lines += ["    };", "}; };", ""]
    return "\n".join(lines)


def _tool(candidates: tuple[str, ...], what: str) -> str:
    for c in candidates:
        found = shutil.which(c) or (c if os.path.isfile(c) else None)
        if found:
            return found
    raise SystemExit(f"{what} not found ({', '.join(candidates)}): apt-get install libreoffice-dev")


def type_library(source: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "XKa2.idl"
        path.write_text(source, encoding="utf-8")
        types = next((t for t in TYPES_RDB if os.path.isfile(t)), None)
        if types is None:
            raise SystemExit("LibreOffice's types.rdb not found: apt-get install libreoffice-core")
        subprocess.run([_tool(UNOIDL_WRITE, "unoidl-write"), types, str(path), str(Path(tmp) / "XKa2.rdb")],
                       check=True, capture_output=True)
        return (Path(tmp) / "XKa2.rdb").read_bytes()


def _core_files() -> dict[str, bytes]:
    """pythonpath/: the ka2forms package (with its data and templates) and PyYAML's pure-Python package."""
    import yaml

    files: dict[str, bytes] = {}
    for base, prefix in ((ROOT / "ka2forms", "pythonpath/ka2forms/"), (Path(yaml.__file__).parent, "pythonpath/yaml/")):
        for p in sorted(base.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".so", ".pyd"):
                files[prefix + p.relative_to(base).as_posix()] = p.read_bytes()
    for p in sorted((ROOT / "templates").rglob("*")):  # the wheel carries them as ka2forms/templates
        if p.is_file():
            files["pythonpath/ka2forms/templates/" + p.relative_to(ROOT / "templates").as_posix()] = p.read_bytes()
    return files


def contents() -> dict[str, bytes]:
    from ka2forms import __version__

    funcs = functions()
    files = {
        "META-INF/manifest.xml": MANIFEST.encode(),
        "description.xml": DESCRIPTION.format(version=__version__).encode(),
        "Jobs.xcu": JOBS_XCU.encode(),
        "XKa2.rdb": type_library(idl(funcs)),
        "ka2forms_calc.py": (HERE / "calc" / "ka2forms_calc.py").read_bytes(),
        "pythonpath/ka2forms_calc_texts.py": TEXTS_MODULE.format(
            data=json.dumps({f["name"]: f for f in funcs}, ensure_ascii=False, sort_keys=True)).encode(),
    }
    files.update(_core_files())
    return files


def build(out: Path = DEFAULT_OUT) -> str:
    """Write the extension atomically; return its SHA-256."""
    files = contents()

    def entry(name: str) -> tuple[zipfile.ZipInfo, bytes]:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.external_attr = 0o644 << 16
        return info, files[name]

    return write_zip(out, (entry(n) for n in sorted(files, key=lambda n: (n != "META-INF/manifest.xml", n))))


if __name__ == "__main__":
    main(build, DEFAULT_OUT, __doc__.splitlines()[0])
