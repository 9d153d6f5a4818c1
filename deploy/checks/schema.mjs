// The AWS provider's schema, read from the prebuilt CDKTF bindings of hashicorp/aws (@cdktf/provider-aws).
//
// Each `lib/<name>/index.js` of that package is generated from the provider's schema: its main class carries
// `tfResourceType = "aws_..."` and writes every argument as `snake_name: cdktf.<kind>ToHclTerraform(...)` (with
// `isBlock`, `type` and `storageClassType` beside it); a nested block is written by a function of the same file
// (`<struct>ToHclTerraform(struct)`, in `index-structs/` for the three largest resources), which writes its own
// arguments the same way. Data sources are in the `data-aws-*` folders, the provider's own configuration in
// `provider/`. Following those functions gives, for every resource and data source type, its argument names and,
// recursively, its nested blocks' argument names. The getters of the main class (`getStringAttribute('arn')`,
// `new ...OutputReference(this, "health_check")`) add the attributes an expression may read (`aws_lb.web.dns_name`).
//
// The package (37 MB) is fetched once by fetch-schema.sh into .cache/; the schema derived from it is written to
// .cache/aws-schema-<provider version>.json, which later runs read (about 3 MB instead of 200 MB of JavaScript).

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export const PROVIDER_PACKAGE = "@cdktf/provider-aws";
export const PROVIDER_PACKAGE_VERSION = "21.22.1";
/** The hashicorp/aws version the package was generated from (its package.json, `cdktf.provider.version`). */
export const AWS_PROVIDER_VERSION = "6.25.0";
export const CACHE_DIR = join(here, ".cache");
export const PACKAGE_DIR = join(CACHE_DIR, `provider-aws-${PROVIDER_PACKAGE_VERSION}`);
const SCHEMA_FILE = join(CACHE_DIR, `aws-schema-${AWS_PROVIDER_VERSION}.json`);
const SCHEMA_FORMAT = 1;

/** Runs fetch-schema.sh when the package is not in .cache/ yet (it needs the network once). */
export function ensurePackage() {
  if (existsSync(join(PACKAGE_DIR, ".complete"))) return;
  const run = spawnSync("sh", [join(here, "fetch-schema.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  if (run.status !== 0 || !existsSync(join(PACKAGE_DIR, ".complete"))) {
    throw new Error(`could not fetch ${PROVIDER_PACKAGE}@${PROVIDER_PACKAGE_VERSION} into ${CACHE_DIR} (fetch-schema.sh failed)`);
  }
}

let loaded = null;

/**
 * The schema: `{ provider, resources: { type: Entry }, dataSources: { type: Entry } }` where an Entry is
 * `{ root, structs: { name: { argName: { nested?, type } } }, attributes: [names readable in expressions] }`.
 */
export function loadSchema() {
  if (loaded) return loaded;
  if (existsSync(SCHEMA_FILE)) {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
    if (schema.format === SCHEMA_FORMAT && schema.packageVersion === PROVIDER_PACKAGE_VERSION) return (loaded = schema);
  }
  ensurePackage();
  const schema = buildSchema(join(PACKAGE_DIR, "lib"));
  const temporary = `${SCHEMA_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(schema));
  renameSync(temporary, SCHEMA_FILE);
  return (loaded = schema);
}

/** Reads every `lib/<name>/index.js` (and `index-structs/*.js`) of the package. */
export function buildSchema(libDir) {
  const schema = {
    format: SCHEMA_FORMAT,
    packageVersion: PROVIDER_PACKAGE_VERSION,
    providerVersion: AWS_PROVIDER_VERSION,
    provider: null,
    resources: {},
    dataSources: {},
  };
  for (const name of readdirSync(libDir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const folder = join(libDir, name.name);
    const indexFile = join(folder, "index.js");
    if (!existsSync(indexFile)) continue;
    const entry = readEntry(folder);
    if (!entry) continue;
    if (name.name === "provider") schema.provider = entry;
    else if (name.name.startsWith("data-")) schema.dataSources[entry.type] = entry;
    else schema.resources[entry.type] = entry;
  }
  if (!schema.provider || Object.keys(schema.resources).length < 1000) {
    throw new Error(`${libDir} does not look like the lib folder of ${PROVIDER_PACKAGE}`);
  }
  return schema;
}

function readEntry(folder) {
  const main = readFileSync(join(folder, "index.js"), "utf8");
  const typeMatch = /\.tfResourceType = "([^"]+)";/.exec(main);
  if (!typeMatch) return null;
  let all = main;
  const structsDir = join(folder, "index-structs");
  if (existsSync(structsDir)) {
    for (const file of readdirSync(structsDir)) if (file.endsWith(".js")) all += "\n" + readFileSync(join(structsDir, file), "utf8");
  }

  // Nested blocks: `function fooToHclTerraform(struct) { ... const attrs = { ... }; ... }`.
  const structs = {};
  const functionPattern = /^function (\w+)ToHclTerraform\(struct\) \{\n([\s\S]*?)\n\}\n/gm;
  for (const match of all.matchAll(functionPattern)) structs[match[1]] = readArguments(match[2]);

  // The resource's own arguments: the main class's synthesizeHclAttributes().
  const classStart = main.search(/extends cdktf\.Terraform(Resource|DataSource|Provider) \{/);
  const classText = main.slice(classStart);
  const synth = /synthesizeHclAttributes\(\) \{\n([\s\S]*?)\n {4}\}\n/.exec(classText);
  if (!synth) throw new Error(`${folder}/index.js: no synthesizeHclAttributes()`);
  structs[""] = readArguments(synth[1]);

  // Keep only the structs reachable from the root (some files define helper structs for computed attributes).
  const reachable = {};
  const visit = (name) => {
    if (name in reachable) return;
    const struct = structs[name];
    if (!struct) throw new Error(`${folder}: nested block function ${name}ToHclTerraform not found`);
    reachable[name] = struct;
    for (const arg of Object.values(struct)) if (arg.nested !== undefined) visit(arg.nested);
  };
  visit("");

  const attributes = new Set(Object.keys(structs[""]));
  for (const m of classText.matchAll(/(?:get\w*Attribute|interpolationForAttribute)\('([\w-]+)'\)/g)) attributes.add(m[1]);
  for (const m of classText.matchAll(/new [\w.]+(?:OutputReference|List|Map)\(this, "([\w-]+)"/g)) attributes.add(m[1]);
  return { type: typeMatch[1], root: "", structs: reachable, attributes: [...attributes].sort() };
}

// One argument as synthesizeHclAttributes writes it:
//   health_check: {
//       value: albTargetGroupHealthCheckToHclTerraform(this._healthCheck.internalValue),
//       isBlock: true,
//       type: "list",
//       storageClassType: "AlbTargetGroupHealthCheckList",
//   },
const argumentPattern =
  /^\s*"?([\w-]+)"?: \{\n\s*value: (.*),\n\s*isBlock: (true|false),\n\s*type: "(\w+)",\n\s*storageClassType: "[^"]*",\n\s*\},?$/gm;

function readArguments(body) {
  const args = {};
  for (const match of body.matchAll(argumentPattern)) {
    const [, name, value, isBlock, type] = match;
    const arg = { type, block: isBlock === "true" };
    // The nested struct's function, unless it is one of cdktf's own (stringToHclTerraform, ...).
    for (const fn of value.matchAll(/(?<![\w$])(?:(\w+)\.)?(\w+)ToHclTerraform\b/g)) {
      if (fn[1] === "cdktf") continue;
      arg.nested = fn[2];
      break;
    }
    args[name] = arg;
  }
  return args;
}

// `node schema.mjs aws_lb_target_group [data]` prints a type's arguments, nested blocks indented: a quick reference
// when writing Terraform offline.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [type, kind] = process.argv.slice(2);
  const schema = loadSchema();
  const entry = type === "provider" ? schema.provider : (kind === "data" ? schema.dataSources : schema.resources)[type];
  if (!entry) {
    console.error(`unknown ${kind === "data" ? "data source" : "resource"} type: ${type}`);
    process.exit(1);
  }
  const print = (structName, indent) => {
    for (const [name, arg] of Object.entries(entry.structs[structName]).sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`${indent}${name}${arg.nested !== undefined ? ` { (${arg.type})` : ` (${arg.type})`}`);
      if (arg.nested !== undefined) {
        print(arg.nested, indent + "  ");
        console.log(`${indent}}`);
      }
    }
  };
  print(entry.root, "");
  console.log(`readable: ${entry.attributes.join(" ")}`);
}
