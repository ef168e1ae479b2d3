// Run one Python script on the real MicroPython VM (npm @micropython/micropython-webassembly-pyscript).
//
//   node tests/vm/run.mjs SCRIPT.py [--input FILE] [--heapsize BYTES] [--arg KEY=VALUE ...]
//                                   [--copy HOST_PATH=VM_PATH ...]
//
// Copies firmware/footfall_core/*.py into the VM at /lib/footfall_core, FILE (if given) to
// /input.bin, every --copy file or folder (recursively, .py/.toml files) to its VM path, and
// sets the global VM_ARGS (a dict of str -> str) before running SCRIPT.
// The script prints JSON lines on stdout. Exit code: SystemExit(n) -> n, any other
// uncaught Python exception -> 1 (its message on stderr), a JS/runner failure -> 2.
// (The package's own CLI always exits 0, which is useless for CI.)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const coreDir = path.join(repo, "firmware", "footfall_core");

function parseArgs(argv) {
  const opts = { script: null, input: null, heapsize: 1024 * 1024, vars: {}, copies: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--input") opts.input = argv[++i];
    else if (a === "--heapsize") opts.heapsize = parseInt(argv[++i], 10);
    else if (a === "--copy") {
      const kv = argv[++i];
      const eq = kv.indexOf("=");
      opts.copies.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    }
    else if (a === "--arg") {
      const kv = argv[++i];
      const eq = kv.indexOf("=");
      opts.vars[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (opts.script === null) opts.script = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.script) throw new Error("usage: run.mjs SCRIPT.py [--input FILE] [--heapsize N] [--arg K=V]");
  return opts;
}

function copyInto(mp, src, dest) {
  if (fs.statSync(src).isDirectory()) {
    mp.FS.mkdirTree(dest);
    for (const name of fs.readdirSync(src).sort()) {
      if (name === "__pycache__") continue;
      copyInto(mp, path.join(src, name), `${dest}/${name}`);
    }
  } else if (/\.(py|toml)$/.test(src)) {
    mp.FS.mkdirTree(path.posix.dirname(dest));
    mp.FS.writeFile(dest, fs.readFileSync(src));
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const mp = await loadMicroPython({
    heapsize: opts.heapsize,
    linebuffer: true,
    stdout: (line) => process.stdout.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
  });
  mp.FS.mkdirTree("/lib/footfall_core");
  for (const name of fs.readdirSync(coreDir).sort()) {
    if (name.endsWith(".py")) {
      mp.FS.writeFile(`/lib/footfall_core/${name}`, fs.readFileSync(path.join(coreDir, name)));
    }
  }
  mp.FS.writeFile("/lib/vmlib.py", fs.readFileSync(path.join(repo, "tests", "vm", "vmlib.py")));
  if (opts.input) mp.FS.writeFile("/input.bin", fs.readFileSync(opts.input));
  for (const [src, dest] of opts.copies) copyInto(mp, src, dest);
  const src = fs.readFileSync(opts.script, "utf8");
  // VM_ARGS as a real dict (a JS object would arrive as a proxy)
  mp.runPython("VM_ARGS = {}");
  for (const [k, v] of Object.entries(opts.vars)) {
    mp.globals.set("_k", k);
    mp.globals.set("_v", v);
    mp.runPython("VM_ARGS[_k] = _v\ndel _k, _v");
  }
  try {
    mp.runPython(src);
    return 0;
  } catch (err) {
    if (err && err.name === "PythonError") {
      if (err.type === "SystemExit") {
        // the message ends with the exception line: "SystemExit: 3" (or "SystemExit" for 0)
        const lines = String(err.message || "").trim().split("\n");
        const last = lines[lines.length - 1].trim();
        const m = /^SystemExit(?::\s*(.*))?$/.exec(last);
        if (!m || m[1] === undefined || m[1] === "" || m[1] === "None") return 0;
        if (/^-?\d+$/.test(m[1])) return parseInt(m[1], 10);
        process.stderr.write(m[1] + "\n");   // SystemExit("message"): like CPython, exit 1
        return 1;
      }
      process.stderr.write(`${err.type}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => { process.stderr.write(`run.mjs: ${err && err.stack ? err.stack : err}\n`); process.exit(2); },
);
