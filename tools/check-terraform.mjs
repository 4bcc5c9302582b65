// Static check of every .tf file under a folder, with HashiCorp's HCL parser (the Go hcl library
// compiled to wasm, npm package @cdktf/hcl2json). Fails on:
//   - a syntax error in any .tf / .tfvars file;
//   - a var.X, local.X or module.X reference that the same module does not declare;
//   - module.X.Y where module X (local source) has no output Y;
//   - a module call that passes an argument the module does not declare or misses a required one;
//   - a variable without type or description, an output without description.
// Usage: node check-terraform.mjs <folder> [--self-test]
import { readFileSync, readdirSync, statSync, mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { tmpdir } from "node:os";
import hcl2json from "@cdktf/hcl2json";

const { parse } = hcl2json;
const META_ARGS = new Set(["source", "version", "count", "for_each", "providers", "depends_on"]);

function filesUnder(dir, suffixes) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === ".terraform" || entry === "node_modules") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffixes));
    else if (suffixes.some((s) => entry.endsWith(s))) out.push(path);
  }
  return out;
}

/** Every ${...} interpolation in every string of a parsed file (hcl2json keeps expressions as "${source}"). */
function expressions(node, out = []) {
  if (typeof node === "string") {
    for (let i = 0; i < node.length - 1; i++) {
      if (node[i] === "$" && node[i + 1] === "{" && node[i - 1] !== "$") {
        let depth = 0;
        let j = i + 1;
        for (; j < node.length; j++) {
          if (node[j] === "{") depth++;
          else if (node[j] === "}" && --depth === 0) break;
        }
        out.push(node.slice(i + 2, j));
        i = j;
      }
    }
  } else if (Array.isArray(node)) {
    node.forEach((n) => expressions(n, out));
  } else if (node && typeof node === "object") {
    Object.values(node).forEach((n) => expressions(n, out));
  }
  return out;
}

function references(expression) {
  const code = expression
    .split("\n")
    .map((line) => (/^\s*(#|\/\/)/.test(line) ? "" : line))
    .join("\n");
  const refs = [];
  const re = /(?<![\w.])(var|local|module)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g;
  let m;
  while ((m = re.exec(code)) !== null) refs.push({ kind: m[1], name: m[2], attribute: m[3] });
  return refs;
}

async function parseModule(dir, errors) {
  const module = { dir, variables: new Map(), locals: new Set(), modules: new Map(), outputs: new Set(), files: [] };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".tf")).map((f) => join(dir, f))) {
    let json;
    try {
      json = await parse(file, readFileSync(file, "utf8"));
    } catch (e) {
      errors.push(`${file}: syntax error: ${String(e.message ?? e)}`);
      continue;
    }
    module.files.push({ file, json });
    for (const [name, [body]] of Object.entries(json.variable ?? {})) module.variables.set(name, { file, body });
    for (const block of json.locals ?? []) Object.keys(block).forEach((k) => module.locals.add(k));
    for (const [name, [body]] of Object.entries(json.module ?? {})) module.modules.set(name, { file, body });
    for (const name of Object.keys(json.output ?? {})) module.outputs.add(name);
  }
  return module;
}

export async function checkTree(root) {
  const errors = [];
  const tfFiles = filesUnder(root, [".tf"]);
  if (tfFiles.length === 0) errors.push(`${root}: no .tf files`);
  const dirs = [...new Set(tfFiles.map((f) => dirname(f)))].sort();
  const modules = new Map();
  for (const dir of dirs) modules.set(resolve(dir), await parseModule(dir, errors));

  for (const module of modules.values()) {
    for (const [name, { file, body }] of module.variables) {
      if (!body.description || !String(body.description).trim()) errors.push(`${file}: variable "${name}" has no description`);
      if (!body.type) errors.push(`${file}: variable "${name}" has no type`);
    }
    for (const { file, json } of module.files) {
      for (const [name, [body]] of Object.entries(json.output ?? {})) {
        if (!body.description || !String(body.description).trim()) errors.push(`${file}: output "${name}" has no description`);
      }
      for (const expression of expressions(json)) {
        for (const ref of references(expression)) {
          if (ref.kind === "var" && !module.variables.has(ref.name)) errors.push(`${file}: var.${ref.name} is not declared in ${module.dir}`);
          if (ref.kind === "local" && !module.locals.has(ref.name)) errors.push(`${file}: local.${ref.name} is not declared in ${module.dir}`);
          if (ref.kind === "module") {
            const call = module.modules.get(ref.name);
            if (!call) {
              errors.push(`${file}: module.${ref.name} is not declared in ${module.dir}`);
            } else if (ref.attribute) {
              const target = localModule(module, call.body, modules);
              if (target && !target.outputs.has(ref.attribute)) errors.push(`${file}: module.${ref.name}.${ref.attribute}: ${target.dir} has no output "${ref.attribute}"`);
            }
          }
        }
      }
    }
    for (const [name, { file, body }] of module.modules) {
      const target = localModule(module, body, modules);
      if (body.source && String(body.source).startsWith(".") && !target) {
        errors.push(`${file}: module "${name}": source ${body.source} has no .tf files`);
        continue;
      }
      if (!target) continue;
      for (const arg of Object.keys(body)) {
        if (!META_ARGS.has(arg) && !target.variables.has(arg)) errors.push(`${file}: module "${name}" passes "${arg}", which ${target.dir} does not declare`);
      }
      for (const [variable, { body: v }] of target.variables) {
        if (!("default" in v) && !(variable in body)) errors.push(`${file}: module "${name}" misses required variable "${variable}" of ${target.dir}`);
      }
    }
  }

  for (const file of filesUnder(root, [".tfvars"])) {
    try {
      await parse(file, readFileSync(file, "utf8"));
    } catch (e) {
      errors.push(`${file}: syntax error: ${String(e.message ?? e)}`);
    }
  }
  return { errors, files: tfFiles.length, modules: modules.size };
}

function localModule(module, body, modules) {
  const source = String(body.source ?? "");
  if (!source.startsWith("./") && !source.startsWith("../")) return null;
  return modules.get(resolve(module.dir, source)) ?? null;
}

/** The checker must catch what it claims to: broken trees fail, each with the expected message. */
async function selfTest() {
  const cases = {
    "syntax error": [{ "main.tf": 'resource "x" "y" {\n  a = \n}\n' }, /syntax error/],
    "undeclared var": [{ "main.tf": 'locals {\n  a = var.nope\n}\n' }, /var\.nope is not declared/],
    "undeclared local": [{ "main.tf": 'output "o" {\n  description = "d"\n  value = local.nope\n}\n' }, /local\.nope is not declared/],
    "undeclared module": [{ "main.tf": 'output "o" {\n  description = "d"\n  value = module.nope.x\n}\n' }, /module\.nope is not declared/],
    "no description": [{ "variables.tf": 'variable "v" {\n  type = string\n}\n' }, /has no description/],
    "missing output": [
      { "main.tf": 'module "m" {\n  source = "./m"\n}\noutput "o" {\n  description = "d"\n  value = module.m.nope\n}\n', "m/main.tf": 'output "x" {\n  description = "d"\n  value = 1\n}\n' },
      /has no output "nope"/,
    ],
    "unknown module argument": [
      { "main.tf": 'module "m" {\n  source = "./m"\n  extra = 1\n}\n', "m/main.tf": 'output "x" {\n  description = "d"\n  value = 1\n}\n' },
      /passes "extra"/,
    ],
  };
  let failed = 0;
  for (const [name, [files, expected]] of Object.entries(cases)) {
    const dir = mkdtempSync(join(tmpdir(), "tfcheck-"));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const { errors } = await checkTree(dir);
    if (!errors.some((e) => expected.test(e))) {
      failed++;
      console.error(`self-test "${name}": expected ${expected}, got ${JSON.stringify(errors)}`);
    }
  }
  if (failed) throw new Error(`${failed} self-test case(s) failed`);
  console.log(`check-terraform self-test: ${Object.keys(cases).length} broken trees rejected as expected`);
}

const args = process.argv.slice(2);
if (args.includes("--self-test")) await selfTest();
const root = args.find((a) => !a.startsWith("--"));
if (root) {
  const { errors, files, modules } = await checkTree(root);
  if (errors.length) {
    errors.forEach((e) => console.error(`ERROR ${e}`));
    console.error(`check-terraform: ${errors.length} problem(s) in ${root}`);
    process.exit(1);
  }
  console.log(`check-terraform: ${files} .tf files in ${modules} modules parsed; references, module calls and variable docs OK`);
}
