// Regenerates the typed API client (src/api/generated/schema.ts) from the backend's
// OpenAPI schema, so the console cannot drift from the public REST API unnoticed.
//
//   npm run generate-client    rewrite the committed file
//   npm run check-client       fail (exit 1) when the committed file is stale; CI runs this
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

const workDir = mkdtempSync(join(tmpdir(), "whetstone-client-"));
try {
  const generated = await renderClientTypes(exportSchema(workDir));
  if (checkOnly) {
    const committed = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (committed !== generated) {
      writeFileSync(join(workDir, "schema.ts"), generated);
      console.error(
        `check-client: ${target} is stale: the backend's OpenAPI schema changed.\n` +
          `Run \`npm run generate-client\` in frontend/ and commit the result.`,
      );
      try {
        execFileSync("diff", ["-u", target, join(workDir, "schema.ts")], { stdio: "inherit" });
      } catch {
        // diff exits 1 when the files differ; its output is what the reader needs.
      }
      process.exitCode = 1;
    } else {
      console.log("check-client: the generated API client matches the backend's OpenAPI schema.");
    }
  } else {
    writeFileSync(target, generated);
    console.log(`generate-client: wrote ${target}`);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
