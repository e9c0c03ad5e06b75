// Regenerates the typed API client (src/api/generated/schema.ts) from the backend's
// OpenAPI schema, so the console cannot drift from the public REST API unnoticed; and
// src/api/generated/contractDefaults.ts, the optimization request's defaults and bounds as the
// OpenAPI component states them (derived from the compiler core's request contract), so that the
// console's form shows the server's defaults rather than a copy of them.
//
//   npm run generate-client    rewrite the committed files
//   npm run check-client       fail (exit 1) when a committed file is stale; CI runs this
//
// The schema comes from drf-spectacular through manage.py, run with the repository's
// virtual environment (override the interpreter with WHETSTONE_PYTHON).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(frontendDir, "..");
const target = join(frontendDir, "src/api/generated/schema.ts");
const defaultsTarget = join(frontendDir, "src/api/generated/contractDefaults.ts");
const REQUEST_COMPONENT = "OptimizationRequestRequest";
const python = process.env.WHETSTONE_PYTHON ?? join(repoRoot, ".venv/bin/python");
const checkOnly = process.argv.includes("--check");

const HEADER = `/**
 * GENERATED FILE - do not edit by hand.
 * Source: the backend's OpenAPI schema (manage.py spectacular --format openapi-json).
 * Regenerate with \`npm run generate-client\`; \`npm run check-client\` fails when it is stale.
 */

`;

function exportSchema(workDir) {
  const schemaFile = join(workDir, "openapi.json");
  execFileSync(python, ["manage.py", "spectacular", "--format", "openapi-json", "--file", schemaFile], {
    cwd: repoRoot,
    // Integer formats in the schema follow the database's column ranges (int64 on SQLite,
    // int32 on PostgreSQL): export against one fixed database so the client does not depend
    // on where it is generated or checked.
    env: { ...process.env, DATABASE_URL: "sqlite://:memory:" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return JSON.parse(readFileSync(schemaFile, "utf8"));
}

async function renderClientTypes(schema) {
  // defaultNonNullable: false keeps request fields that have a server default optional.
  const ast = await openapiTS(schema, { alphabetize: true, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

/** The request component's defaults and numeric bounds, field by field, as TypeScript constants. */
export function renderContractDefaults(schema) {
  const component = schema.components?.schemas?.[REQUEST_COMPONENT];
  if (!component?.properties) throw new Error(`the OpenAPI schema has no component ${REQUEST_COMPONENT}`);
  const defaults = {};
  const bounds = {};
  const recipeBudgets = component.properties.accuracy_budget?.["x-recipe-budgets"];
  if (!recipeBudgets) throw new Error(`${REQUEST_COMPONENT}.accuracy_budget has no x-recipe-budgets`);
  for (const [name, property] of Object.entries(component.properties).sort(([a], [b]) => a.localeCompare(b))) {
    if (property.default !== undefined && property.default !== null) defaults[name] = property.default;
    const limits = {};
    for (const key of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
      if (property[key] !== undefined) limits[key] = property[key];
    }
    if (Object.keys(limits).length) bounds[name] = limits;
  }
  const json = (value) => JSON.stringify(value, null, 2);
  return (
    HEADER.replace("Source: the backend's OpenAPI schema", `Source: the OpenAPI component ${REQUEST_COMPONENT}`) +
    "/** The server's default for each optimization request field that has one. */\n" +
    `export const optimizationRequestDefaults = ${json(defaults)} as const;\n\n` +
    "/** The numeric bounds the server checks (OpenAPI 3.0: exclusiveMinimum true makes minimum exclusive). */\n" +
    `export const optimizationRequestBounds = ${json(bounds)} as const;\n\n` +
    "/** The accuracy budget a recipe fixes whatever the request says (x-recipe-budgets). */\n" +
    `export const recipeAccuracyBudgets = ${json(recipeBudgets)} as const;\n`
  );
}

function checkOne(path, generated, workDir) {
  const committed = existsSync(path) ? readFileSync(path, "utf8") : "";
  if (committed === generated) return true;
  const fresh = join(workDir, "fresh.ts");
  writeFileSync(fresh, generated);
  console.error(
    `check-client: ${path} is stale: the backend's OpenAPI schema changed.\n` +
      `Run \`npm run generate-client\` in frontend/ and commit the result.`,
  );
  try {
    execFileSync("diff", ["-u", path, fresh], { stdio: "inherit" });
  } catch {
    // diff exits 1 when the files differ; its output is what the reader needs.
  }
  return false;
}

const workDir = mkdtempSync(join(tmpdir(), "whetstone-client-"));
try {
  const schema = exportSchema(workDir);
  const outputs = [
    [target, await renderClientTypes(schema)],
    [defaultsTarget, renderContractDefaults(schema)],
  ];
  if (checkOnly) {
    const fresh = outputs.map(([path, generated]) => checkOne(path, generated, workDir));
    if (fresh.every(Boolean)) {
      console.log("check-client: the generated API client matches the backend's OpenAPI schema.");
    } else {
      process.exitCode = 1;
    }
  } else {
    for (const [path, generated] of outputs) {
      writeFileSync(path, generated);
      console.log(`generate-client: wrote ${path}`);
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
