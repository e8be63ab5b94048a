// Run Python code against the ka2forms wheel inside Pyodide under Node (CI check of the xlwings Lite route).
//
// Why: xlwings Lite runs main.py in Pyodide inside Excel. The npm package `pyodide` carries no wheels, so
// the ka2forms wheel and PyYAML's pure-Python package (a zip of its yaml/ folder) are unpacked into
// Pyodide's site-packages here, and `xlwings` is a stand-in whose decorators do nothing (the real one is
// Lite's own, inside Excel).
//
//   node run_pyodide.mjs PYODIDE_DIR KA2FORMS.whl YAML.zip MAIN.py SCRIPT.py  -> prints SCRIPT's last value
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheel, yamlZip, mainPy, scriptPy] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const t0 = performance.now();
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
const loadSeconds = (performance.now() - t0) / 1000;
py.FS.writeFile("/tmp/ka2forms.whl", readFileSync(wheel));
py.FS.writeFile("/tmp/yaml.zip", readFileSync(yamlZip));
py.FS.mkdirTree("/home/pyodide/lite");
py.FS.writeFile("/home/pyodide/lite/main.py", readFileSync(mainPy));
py.runPython(`
import site, sys, types, zipfile
target = site.getsitepackages()[0]
for archive in ("/tmp/ka2forms.whl", "/tmp/yaml.zip"):
    with zipfile.ZipFile(archive) as z:
        z.extractall(target)
stub = types.ModuleType("xlwings")
def func(f=None, **_):
    return f if f is not None else (lambda g: g)
def arg(*_, **__):
    return lambda f: f
stub.func, stub.arg, stub.ret = func, arg, arg
sys.modules["xlwings"] = stub
sys.path.insert(0, "/home/pyodide/lite")
`);
const result = py.runPython(readFileSync(scriptPy, "utf8"));
process.stdout.write(JSON.stringify({ load_s: loadSeconds, python: py.runPython("import sys; sys.version"),
                                      result: JSON.parse(result) }) + "\n");
