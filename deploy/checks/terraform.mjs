#!/usr/bin/env node
// Offline check of a Terraform configuration for the AWS provider, for a machine without terraform, provider
// plugins or a cloud account:
//
//   node terraform.mjs ../../terraform      prints one line per problem (file:line: [rule] message), exit 1 if any
//
// What it checks, in every folder of .tf files under the one given (the root module and its modules):
//   syntax              every .tf file parses (HashiCorp's own HCL parser, compiled to WebAssembly in @cdktf/hcl2json);
//   unknown-type        every resource and data source type exists in hashicorp/aws 6.25.0 (schema.mjs), or is
//                       one of hashicorp/random's, hashicorp/tls's or Terraform's built-in ones (listed below);
//   unknown-argument    every argument and nested block, at any depth, exists for its type; Terraform's
//                       meta-arguments (count, for_each, depends_on, lifecycle, provider, provisioner, connection,
//                       `dynamic "x"` whose x must be a nested block) are understood;
//   unresolved-reference  var.X, local.X, module.X(.output), data.T.N(.attribute) and T.N(.attribute) in every
//                       expression resolve within the module (each., count., self., path., terraform. are fine);
//   module-arguments    a module call's arguments are variables of the module, and it gives every variable that has
//                       no default; the module's folder exists;
//   template-variables  templatefile("${path.module}/X", { ... }) names a file that exists and passes every variable
//                       the template refers to;
//   provider-version    the root module's hashicorp/aws constraint admits the schema's version (6.25.0) and no 7.x;
//   policy: security-group-ingress (no ingress from 0.0.0.0/0 or ::/0 except to the balancer's group on tcp 80 and
//     443), rds-storage-encrypted, rds-deletion-protection, rds-publicly-accessible, elasticache-at-rest-encryption,
//     elasticache-transit-encryption, efs-encrypted, target-group-stickiness. A policy value must be fixed in the
//     configuration: literally, or through locals and module arguments that are; a root variable an operator can
//     set does not count.
//
// Values are traced through variables, locals, module arguments and outputs, for_each and dynamic blocks, so a
// CIDR passed down three modules, or the balancer's security group handed from one module to another, is found.
//
// What it cannot tell: whether AWS accepts a value (an instance class, a TLS policy name, a CIDR that overlaps),
// types of arguments, required arguments of resources, and anything that depends on the account.

import { parse, getReferencesInExpression } from "@cdktf/hcl2json";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { AWS_PROVIDER_VERSION, loadSchema } from "./schema.mjs";

// ---------------------------------------------------------------------------------------------------------------
// Types outside the AWS provider
// ---------------------------------------------------------------------------------------------------------------

// hashicorp/random is not in @cdktf/provider-aws, so its resources' arguments are listed here, from the provider's
// documentation (registry.terraform.io/providers/hashicorp/random, 3.6 and 3.7; random_bytes is new in 3.6.0).
// `attributes` are what expressions may read.
const RANDOM_RESOURCES = {
  random_bytes: { args: ["length", "keepers"], attributes: ["base64", "hex", "id"] },
  random_id: { args: ["byte_length", "keepers", "prefix"], attributes: ["b64_std", "b64_url", "dec", "hex", "id"] },
  random_integer: { args: ["keepers", "max", "min", "seed"], attributes: ["id", "result"] },
  random_password: {
    args: ["keepers", "length", "lower", "min_lower", "min_numeric", "min_special", "min_upper", "number", "numeric", "override_special", "special", "upper"],
    attributes: ["bcrypt_hash", "id", "result"],
  },
  random_pet: { args: ["keepers", "length", "prefix", "separator"], attributes: ["id"] },
  random_shuffle: { args: ["input", "keepers", "result_count", "seed"], attributes: ["id", "result"] },
  random_string: {
    args: ["keepers", "length", "lower", "min_lower", "min_numeric", "min_special", "min_upper", "number", "numeric", "override_special", "special", "upper"],
    attributes: ["id", "result"],
  },
  random_uuid: { args: ["keepers"], attributes: ["id", "result"] },
};

// hashicorp/tls is not in @cdktf/provider-aws either: its resources, from the provider's documentation
// (registry.terraform.io/providers/hashicorp/tls, 4.x). `blocks` are nested blocks with their own arguments.
const TLS_SUBJECT = [
  "common_name", "country", "email_address", "locality", "organization", "organizational_unit", "postal_code", "province", "serial_number", "street_address",
];
const TLS_RESOURCES = {
  tls_private_key: {
    args: ["algorithm", "ecdsa_curve", "rsa_bits"],
    attributes: [
      "id", "private_key_openssh", "private_key_pem", "private_key_pem_pkcs8", "public_key_fingerprint_md5", "public_key_fingerprint_sha256",
      "public_key_openssh", "public_key_pem",
    ],
  },
  tls_self_signed_cert: {
    args: [
      "allowed_uses", "dns_names", "early_renewal_hours", "ip_addresses", "is_ca_certificate", "max_path_length", "name_constraint_excluded_dns_names",
      "name_constraint_permitted_dns_names", "name_constraint_permitted_dns_names_critical", "private_key_pem", "set_authority_key_id", "set_subject_key_id",
      "uris", "validity_period_hours",
    ],
    blocks: { subject: TLS_SUBJECT },
    attributes: ["cert_pem", "id", "key_algorithm", "ready_for_renewal", "validity_end_time", "validity_start_time"],
  },
  tls_cert_request: {
    args: ["dns_names", "ip_addresses", "private_key_pem", "uris"],
    blocks: { subject: TLS_SUBJECT },
    attributes: ["cert_request_pem", "id", "key_algorithm"],
  },
  tls_locally_signed_cert: {
    args: [
      "allowed_uses", "ca_cert_pem", "ca_private_key_pem", "cert_request_pem", "early_renewal_hours", "is_ca_certificate", "max_path_length",
      "set_subject_key_id", "validity_period_hours",
    ],
    attributes: ["ca_key_algorithm", "cert_pem", "id", "ready_for_renewal", "validity_end_time", "validity_start_time"],
  },
};
// The tls provider's own configuration: an optional proxy block.
const TLS_PROVIDER_BLOCKS = new Set(["proxy"]);

// Terraform's built-in provider (terraform.io/builtin/terraform).
const BUILTIN_RESOURCES = { terraform_data: { args: ["input", "triggers_replace"], attributes: ["id", "input", "output"] } };
const BUILTIN_DATA_SOURCES = {
  terraform_remote_state: { args: ["backend", "config", "defaults", "workspace"], attributes: ["outputs"] },
};

function simpleEntry(type, { args, blocks = {}, attributes }, source) {
  const simple = (names) => Object.fromEntries(names.map((name) => [name, { type: "simple", block: false }]));
  return {
    type,
    source,
    root: "",
    structs: {
      "": { ...simple(args), ...Object.fromEntries(Object.keys(blocks).map((name) => [name, { type: "list", block: true, nested: name }])) },
      ...Object.fromEntries(Object.entries(blocks).map(([name, blockArgs]) => [name, simple(blockArgs)])),
    },
    attributes: [...new Set([...args, ...Object.keys(blocks), ...attributes])],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Terraform's language
// ---------------------------------------------------------------------------------------------------------------

const RESOURCE_META = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);
const DATA_META = new Set(["count", "for_each", "depends_on", "lifecycle", "provider"]);
const LIFECYCLE_ARGS = new Set(["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "precondition", "postcondition"]);
const DATA_LIFECYCLE_ARGS = new Set(["precondition", "postcondition"]);
const CONDITION_ARGS = new Set(["condition", "error_message"]);
const VARIABLE_ARGS = new Set(["type", "default", "description", "validation", "sensitive", "nullable", "ephemeral"]);
const OUTPUT_ARGS = new Set(["value", "description", "sensitive", "depends_on", "precondition", "ephemeral"]);
const MODULE_META = new Set(["source", "version", "count", "for_each", "depends_on", "providers"]);
const PROVIDER_META = new Set(["alias", "version"]);
const TOP_LEVEL = new Set(["terraform", "provider", "variable", "locals", "output", "resource", "data", "module", "moved", "import", "removed", "check"]);
const REFERENCE_ROOTS_ALWAYS_FINE = new Set(["each", "count", "self", "path", "terraform"]);

// ---------------------------------------------------------------------------------------------------------------
// Reading a configuration
// ---------------------------------------------------------------------------------------------------------------

/** Folders holding .tf files under `root` (itself included), skipping .terraform and hidden folders. */
function moduleFolders(root) {
  const folders = [];
  const walk = (folder) => {
    const entries = readdirSync(folder, { withFileTypes: true });
    if (entries.some((entry) => entry.isFile() && entry.name.endsWith(".tf"))) folders.push(folder);
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules") walk(join(folder, entry.name));
    }
  };
  walk(root);
  return folders;
}

/** The blocks of one folder, merged from its files, each remembering its file and line. */
async function readModule(folder, report) {
  const module = {
    folder,
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    resources: new Map(),
    dataSources: new Map(),
    calls: new Map(),
    providers: [],
    terraform: [],
    files: new Map(),
  };
  const files = readdirSync(folder).filter((name) => name.endsWith(".tf")).sort();
  for (const name of files) {
    const file = join(folder, name);
    const text = readFileSync(file, "utf8");
    module.files.set(file, text);
    let json;
    try {
      json = await parse(name, text);
    } catch (error) {
      const detail = String(error.message ?? error).replace(/^parse config: /, "").replace(/\s+/g, " ").trim();
      report({ file, line: lineOfError(detail), rule: "syntax", message: `does not parse: ${detail}` });
      continue;
    }
    const declare = (map, key, entry, kind) => {
      if (map.has(key)) report({ file, line: entry.line, rule: "duplicate", message: `${kind} ${key} is declared twice (also in ${map.get(key).file})` });
      else map.set(key, entry);
    };
    for (const [kind, content] of Object.entries(json)) {
      if (!TOP_LEVEL.has(kind)) {
        report({ file, line: 1, rule: "unknown-argument", message: `unknown top-level block "${kind}"` });
        continue;
      }
      if (kind === "terraform") {
        for (const body of content) module.terraform.push({ file, body });
      } else if (kind === "locals") {
        for (const body of content) {
          for (const [name, value] of Object.entries(body)) {
            declare(module.locals, name, { file, line: lineOf(text, new RegExp(`^\\s*${name}\\s*=`, "m")), value }, "local");
          }
        }
      } else if (kind === "variable" || kind === "output" || kind === "module") {
        const map = kind === "variable" ? module.variables : kind === "output" ? module.outputs : module.calls;
        for (const [name, bodies] of Object.entries(content)) {
          const line = lineOf(text, new RegExp(`^\\s*${kind}\\s+"${escape(name)}"`, "m"));
          declare(map, name, { file, line, name, body: bodies[0] }, kind);
        }
      } else if (kind === "resource" || kind === "data") {
        const map = kind === "resource" ? module.resources : module.dataSources;
        for (const [type, byName] of Object.entries(content)) {
          for (const [name, bodies] of Object.entries(byName)) {
            const line = lineOf(text, new RegExp(`^\\s*${kind}\\s+"${escape(type)}"\\s+"${escape(name)}"`, "m"));
            declare(map, `${type}.${name}`, { file, line, type, name, body: bodies[0] }, kind === "resource" ? "resource" : "data source");
          }
        }
      } else if (kind === "provider") {
        for (const [name, bodies] of Object.entries(content)) {
          for (const body of bodies) module.providers.push({ file, line: lineOf(text, new RegExp(`^\\s*provider\\s+"${escape(name)}"`, "m")), name, body });
        }
      }
    }
  }
  return module;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function lineOf(text, pattern, from = 0, fallback = 1) {
  const match = pattern.exec(text.slice(from));
  if (!match) return fallback;
  return text.slice(0, from + match.index + (match[0].length - match[0].trimStart().length)).split("\n").length;
}

/** Where a block starts: its file, line, and the offset of that line in the file's text. */
function blockWhere(module, block) {
  const text = module.files.get(block.file) ?? "";
  return { file: block.file, line: block.line, text, start: text.split("\n").slice(0, block.line - 1).join("\n").length };
}

/** The line of an argument or nested block (`key =`, `key {`) at or after the block's start, else the block's. */
function keyWhere(where, key) {
  const { file, line, text, start } = where;
  if (text === undefined) return { file, line };
  const pattern = new RegExp(`^\\s*${key}\\s*(=|\\{|"|$)`, "m");
  return { file, line: lineOf(text, pattern, start, line) };
}

function lineOfError(detail) {
  const match = /:(\d+),\d+/.exec(detail);
  return match ? Number(match[1]) : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// References inside expressions
// ---------------------------------------------------------------------------------------------------------------

const referenceCache = new Map();

/** References of a template string, as HCL's parser sees them (for-expression variables excluded). */
async function referencesOf(text) {
  if (!text.includes("${") && !text.includes("%{")) return [];
  if (!referenceCache.has(text)) {
    let references;
    try {
      references = (await getReferencesInExpression("expression.tf", text)).map((reference) => reference.value);
    } catch {
      references = null; // not an expression the parser takes on its own; the file parsed, so Terraform will say
    }
    referenceCache.set(text, references);
  }
  return referenceCache.get(text) ?? [];
}

const cachedReferences = (text) => referenceCache.get(text) ?? [];

/** Every string in a value, with the scope (dynamic iterators) it is evaluated in. */
function stringsOf(value, iterators, out) {
  if (typeof value === "string") out.push({ text: value, iterators });
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, iterators, out);
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "dynamic" && inner && typeof inner === "object" && !Array.isArray(inner)) {
        for (const [blockName, blocks] of Object.entries(inner)) {
          for (const block of [blocks].flat()) {
            if (!block || typeof block !== "object") continue;
            const iterator = typeof block.iterator === "string" ? block.iterator : blockName;
            for (const [dynamicKey, dynamicValue] of Object.entries(block)) {
              stringsOf(dynamicValue, dynamicKey === "content" ? new Set([...iterators, iterator]) : iterators, out);
            }
          }
        }
      } else stringsOf(inner, iterators, out);
    }
  }
  return out;
}

/** A reference's segments: `aws_db_instance.this."catalog".address` -> ["aws_db_instance", "this", "\"catalog\"", "address"]. */
function segmentsOf(reference) {
  return reference.match(/"(?:[^"\\]|\\.)*"|[^.]+/g) ?? [];
}

const isIndex = (segment) => segment !== undefined && (/^\d+$/.test(segment) || segment.startsWith('"'));

// ---------------------------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------------------------

/**
 * Checks the configuration under `root`. Returns the problems, each `{ file, line, rule, message }` with `file`
 * absolute, sorted by file and line.
 */
export async function checkTerraform(root, { schema = loadSchema() } = {}) {
  root = resolve(root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${root} is not a folder`);
  const problems = [];
  const seen = new Set();
  const report = ({ file, line, rule, message }) => {
    const problem = { file, line, rule, message };
    const key = `${problem.file}:${problem.line}:${problem.rule}:${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  };

  const types = {
    resources: (type) =>
      schema.resources[type] ??
      (RANDOM_RESOURCES[type] && simpleEntry(type, RANDOM_RESOURCES[type], "hashicorp/random")) ??
      (TLS_RESOURCES[type] && simpleEntry(type, TLS_RESOURCES[type], "hashicorp/tls")) ??
      (BUILTIN_RESOURCES[type] && simpleEntry(type, BUILTIN_RESOURCES[type], "Terraform")),
    dataSources: (type) => schema.dataSources[type] ?? (BUILTIN_DATA_SOURCES[type] && simpleEntry(type, BUILTIN_DATA_SOURCES[type], "Terraform")),
  };

  const modules = new Map();
  for (const folder of moduleFolders(root)) modules.set(folder, await readModule(folder, report));

  // Every expression's references, parsed once.
  for (const module of modules.values()) for (const { text } of allStrings(module)) await referencesOf(text);
  for (const module of modules.values()) for (const template of templateCalls(module)) if (template.content !== null) await referencesOf(template.content);

  for (const module of modules.values()) {
    checkSchema(module, types, report);
    checkReferences(module, modules, types, report);
    checkModuleCalls(module, modules, report);
    checkTemplates(module, report);
  }
  const rootModule = modules.get(root);
  if (rootModule) checkProviderVersion(rootModule, report);
  checkPolicies(root, modules, report);

  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return problems;
}

function* blocksOf(module) {
  for (const entry of module.resources.values()) yield { kind: "resource", entry };
  for (const entry of module.dataSources.values()) yield { kind: "data", entry };
  for (const entry of module.variables.values()) yield { kind: "variable", entry };
  for (const entry of module.outputs.values()) yield { kind: "output", entry };
  for (const entry of module.calls.values()) yield { kind: "module", entry };
  for (const entry of module.locals.values()) yield { kind: "local", entry: { ...entry, body: entry.value } };
  for (const entry of module.providers) yield { kind: "provider", entry };
}

/** The expressions of a module: every string, except a variable's type constraint and lifecycle.ignore_changes
 * (names of arguments, checked by checkSchema). */
function allStrings(module) {
  if (module.strings) return module.strings;
  const out = [];
  for (const { kind, entry } of blocksOf(module)) {
    let body = entry.body;
    if (kind === "variable" && body && typeof body === "object") body = { ...body, type: undefined };
    // provider = aws.west, providers = { aws = aws.west }: provider configurations, not values.
    if ((kind === "resource" || kind === "data") && body && "provider" in body) body = { ...body, provider: undefined };
    if (kind === "module" && body && "providers" in body) body = { ...body, providers: undefined };
    if (kind === "resource" && Array.isArray(body?.lifecycle)) {
      body = { ...body, lifecycle: body.lifecycle.map((lifecycle) => ({ ...lifecycle, ignore_changes: undefined })) };
    }
    out.push(...stringsOf(body, new Set(), []).map((item) => ({ ...item, entry })));
  }
  return (module.strings = out);
}

// ---- schema: types, arguments, nested blocks ----

function checkSchema(module, types, report) {
  for (const resource of module.resources.values()) {
    const entry = types.resources(resource.type);
    const where = blockWhere(module, resource);
    if (!entry) {
      report({ ...where, rule: "unknown-type", message: `resource type ${resource.type} does not exist in hashicorp/aws ${AWS_PROVIDER_VERSION} (nor in hashicorp/random, hashicorp/tls or Terraform)` });
      continue;
    }
    checkMeta(resource.body, RESOURCE_META, LIFECYCLE_ARGS, `${resource.type}.${resource.name}`, where, report);
    checkBlock(resource.body, entry, entry.root, `${resource.type}.${resource.name}`, RESOURCE_META, where, report);
    for (const lifecycle of [resource.body.lifecycle ?? []].flat()) {
      for (const item of [lifecycle.ignore_changes ?? []].flat()) {
        const name = String(item).replace(/^\$\{(.*)\}$/, "$1").split(/[.[]/)[0];
        if (name !== "all" && !(name in entry.structs[entry.root])) {
          report({ ...where, rule: "unknown-argument", message: `${resource.type}.${resource.name}: lifecycle.ignore_changes names ${name}, no argument of ${resource.type}` });
        }
      }
    }
  }
  for (const data of module.dataSources.values()) {
    const entry = types.dataSources(data.type);
    const where = blockWhere(module, data);
    if (!entry) {
      report({ ...where, rule: "unknown-type", message: `data source type ${data.type} does not exist in hashicorp/aws ${AWS_PROVIDER_VERSION}` });
      continue;
    }
    checkMeta(data.body, DATA_META, DATA_LIFECYCLE_ARGS, `data.${data.type}.${data.name}`, where, report);
    checkBlock(data.body, entry, entry.root, `data.${data.type}.${data.name}`, DATA_META, where, report);
  }
  for (const provider of module.providers) {
    const where = blockWhere(module, provider);
    if (provider.name === "aws") {
      const entry = loadSchema().provider;
      checkBlock(provider.body, entry, entry.root, 'provider "aws"', PROVIDER_META, where, report);
    } else if (provider.name === "random") {
      for (const key of Object.keys(provider.body)) if (!PROVIDER_META.has(key)) report({ ...where, rule: "unknown-argument", message: `provider "random" takes no argument ${key}` });
    } else if (provider.name === "tls") {
      for (const key of Object.keys(provider.body)) if (!PROVIDER_META.has(key) && !TLS_PROVIDER_BLOCKS.has(key)) report({ ...where, rule: "unknown-argument", message: `provider "tls" takes no argument ${key}` });
    }
  }
  for (const variable of module.variables.values()) {
    for (const key of Object.keys(variable.body)) {
      if (!VARIABLE_ARGS.has(key)) report({ file: variable.file, line: variable.line, rule: "unknown-argument", message: `variable ${variable.name}: unknown argument ${key}` });
    }
    for (const validation of [variable.body.validation ?? []].flat()) {
      for (const key of Object.keys(validation)) {
        if (!CONDITION_ARGS.has(key)) report({ file: variable.file, line: variable.line, rule: "unknown-argument", message: `variable ${variable.name}: unknown argument validation.${key}` });
      }
    }
  }
  for (const output of module.outputs.values()) {
    for (const key of Object.keys(output.body)) {
      if (!OUTPUT_ARGS.has(key)) report({ file: output.file, line: output.line, rule: "unknown-argument", message: `output ${output.name}: unknown argument ${key}` });
    }
    if (!("value" in output.body)) report({ file: output.file, line: output.line, rule: "unknown-argument", message: `output ${output.name} has no value` });
  }
}

function checkMeta(body, meta, lifecycleArgs, address, where, report) {
  if ("count" in body && "for_each" in body) report({ ...where, rule: "unknown-argument", message: `${address}: count and for_each cannot both be set` });
  for (const lifecycle of [body.lifecycle ?? []].flat()) {
    for (const [key, value] of Object.entries(lifecycle)) {
      if (!lifecycleArgs.has(key)) report({ ...where, rule: "unknown-argument", message: `${address}: unknown argument lifecycle.${key}` });
      if (key === "precondition" || key === "postcondition") {
        for (const condition of [value].flat()) for (const conditionKey of Object.keys(condition)) {
          if (!CONDITION_ARGS.has(conditionKey)) report({ ...where, rule: "unknown-argument", message: `${address}: unknown argument lifecycle.${key}.${conditionKey}` });
        }
      }
    }
  }
}

/** Checks a block's arguments and nested blocks against a struct of the schema entry, recursively. */
function checkBlock(body, entry, structName, path, meta, where, report) {
  const struct = entry.structs[structName] ?? {};
  if (!body || typeof body !== "object") return;
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key)) continue;
    if (key === "dynamic") {
      for (const [blockName, blocks] of Object.entries(value ?? {})) {
        const arg = struct[blockName];
        if (!arg || arg.nested === undefined) {
          report({ ...keyWhere(where, `dynamic\\s+"${blockName}"`), rule: "unknown-argument", message: `${path}: dynamic "${blockName}" names no nested block of ${entry.type}` });
          continue;
        }
        for (const block of [blocks].flat()) {
          for (const dynamicKey of Object.keys(block ?? {})) {
            if (!["for_each", "iterator", "labels", "content"].includes(dynamicKey)) {
              report({ ...where, rule: "unknown-argument", message: `${path}: dynamic "${blockName}" has unknown argument ${dynamicKey}` });
            }
          }
          if (!("for_each" in (block ?? {}))) report({ ...where, rule: "unknown-argument", message: `${path}: dynamic "${blockName}" has no for_each` });
          for (const content of [block?.content ?? []].flat()) checkBlock(content, entry, arg.nested, `${path}.${blockName}`, new Set(), where, report);
        }
      }
      continue;
    }
    const arg = struct[key];
    if (!arg) {
      report({ ...keyWhere(where, key), rule: "unknown-argument", message: `${path}: unknown argument ${key} (${entry.type} of ${entry.source ?? `hashicorp/aws ${AWS_PROVIDER_VERSION}`})` });
      continue;
    }
    if (arg.nested === undefined || arg.type === "map") continue;
    const blocks = Array.isArray(value) ? value : value && typeof value === "object" ? [value] : [];
    for (const block of blocks) {
      if (block && typeof block === "object" && !Array.isArray(block)) checkBlock(block, entry, arg.nested, `${path}.${key}`, new Set(), where, report);
    }
  }
}

// ---- references ----

function checkReferences(module, modules, types, report) {
  for (const { text, iterators, entry } of allStrings(module)) {
    for (const reference of cachedReferences(text)) {
      const problem = resolveReference(reference, module, modules, types, iterators);
      if (problem) {
        const segments = segmentsOf(reference);
        const needle = segments.slice(0, 2).join(".");
        const fileText = module.files.get(entry.file) ?? "";
        const start = fileText.split("\n").slice(0, entry.line - 1).join("\n").length;
        const line = lineOf(fileText, new RegExp(escape(needle)), start);
        report({ file: entry.file, line, rule: "unresolved-reference", message: `${reference}: ${problem}` });
      }
    }
  }
}

function resolveReference(reference, module, modules, types, iterators) {
  const segments = segmentsOf(reference);
  const [rootName, second, third] = segments;
  if (REFERENCE_ROOTS_ALWAYS_FINE.has(rootName) || iterators.has(rootName)) return null;
  if (rootName === "var") return module.variables.has(second) ? null : `no variable "${second}" in this module`;
  if (rootName === "local") return module.locals.has(second) ? null : `no local "${second}" in this module`;
  if (rootName === "module") {
    const call = module.calls.get(second);
    if (!call) return `no module "${second}" in this module`;
    const child = childModule(module, call, modules);
    if (!child) return null; // a registry or git source: its outputs are not known here
    const indexed = "count" in call.body || "for_each" in call.body;
    const output = indexed && isIndex(third) ? segments[3] : third;
    if (output !== undefined && !isIndex(output) && !child.outputs.has(output)) return `module "${second}" (${relative(module.folder, child.folder) || "."}) has no output "${output}"`;
    return null;
  }
  if (rootName === "data") {
    const [, type, name, ...rest] = segments;
    const data = module.dataSources.get(`${type}.${name}`);
    if (!data) return `no data source ${type}.${name} in this module`;
    return attributeProblem(`data.${type}.${name}`, data, types.dataSources(type), rest);
  }
  if (second === undefined) return `"${rootName}" is neither a variable, local, module, data source nor resource reference`;
  const resource = module.resources.get(`${rootName}.${second}`);
  if (!resource) return `no resource ${rootName}.${second} in this module`;
  return attributeProblem(`${rootName}.${second}`, resource, types.resources(rootName), segments.slice(2));
}

function attributeProblem(address, declared, entry, rest) {
  if (!entry || rest.length === 0) return null;
  const indexed = "count" in declared.body || "for_each" in declared.body;
  const attribute = indexed && isIndex(rest[0]) ? rest[1] : rest[0];
  if (attribute === undefined || isIndex(attribute)) return null;
  return entry.attributes.includes(attribute) ? null : `${entry.type} has no attribute "${attribute}"`;
}

function childModule(module, call, modules) {
  const source = call.body.source;
  if (typeof source !== "string" || !(source.startsWith("./") || source.startsWith("../"))) return null;
  return modules.get(resolve(module.folder, source)) ?? null;
}

// ---- module calls ----

function checkModuleCalls(module, modules, report) {
  for (const call of module.calls.values()) {
    const where = { file: call.file, line: call.line };
    const source = call.body.source;
    if (typeof source !== "string") {
      report({ ...where, rule: "module-arguments", message: `module "${call.name}" has no source` });
      continue;
    }
    if (!(source.startsWith("./") || source.startsWith("../"))) continue;
    const child = modules.get(resolve(module.folder, source));
    if (!child) {
      report({ ...where, rule: "module-arguments", message: `module "${call.name}": ${source} holds no .tf file` });
      continue;
    }
    for (const key of Object.keys(call.body)) {
      if (!MODULE_META.has(key) && !child.variables.has(key)) report({ ...where, rule: "module-arguments", message: `module "${call.name}": ${source} has no variable "${key}"` });
    }
    for (const variable of child.variables.values()) {
      if (!("default" in variable.body) && !(variable.name in call.body)) report({ ...where, rule: "module-arguments", message: `module "${call.name}": required variable "${variable.name}" of ${source} is not given` });
    }
  }
}

// ---- templatefile ----

/** templatefile("${path.module}/NAME", { key = ... }) calls in a module's expressions. */
function templateCalls(module) {
  if (module.templates) return module.templates;
  const calls = [];
  for (const { text, entry } of allStrings(module)) {
    let index = text.indexOf("templatefile(");
    while (index >= 0) {
      const pathMatch = /^templatefile\(\s*"\$\{path\.module\}\/([^"$]+)"\s*,\s*/.exec(text.slice(index));
      if (pathMatch) {
        const file = join(module.folder, pathMatch[1]);
        const argumentStart = index + pathMatch[0].length;
        const keys = text[argumentStart] === "{" ? objectKeys(text, argumentStart) : null;
        calls.push({ entry, file, name: pathMatch[1], keys, content: existsSync(file) ? readFileSync(file, "utf8") : null });
      }
      index = text.indexOf("templatefile(", index + 1);
    }
  }
  return (module.templates = calls);
}

/** The keys of the object literal that starts at text[start] ("{"), at its own level only. */
function objectKeys(text, start) {
  const keys = [];
  let depth = 0;
  let expectKey = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = skipString(text, i);
      if (depth === 1 && expectKey && /^\s*[=:](?!=)/.test(text.slice(end + 1))) keys.push(JSON.parse(text.slice(i, end + 1)));
      expectKey = false;
      i = end;
      continue;
    }
    if ("{[(".includes(char)) {
      depth++;
      if (depth === 1) expectKey = true;
      continue;
    }
    if ("}])".includes(char)) {
      depth--;
      if (depth === 0) return keys;
      continue;
    }
    if (depth === 1 && (char === "," || char === "\n")) {
      expectKey = true;
      continue;
    }
    if (depth === 1 && expectKey && /[A-Za-z_]/.test(char)) {
      const match = /^([A-Za-z_][\w-]*)\s*[=:](?!=)/.exec(text.slice(i));
      if (match) keys.push(match[1]);
      expectKey = false;
    }
  }
  return keys;
}

/** Index of the quote that ends the string starting at text[start], template interpolations included. */
function skipString(text, start) {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
    else if (text[i] === "$" && text[i + 1] === "{") {
      let depth = 0;
      for (i = i + 1; i < text.length; i++) {
        if (text[i] === '"') i = skipString(text, i);
        else if (text[i] === "{") depth++;
        else if (text[i] === "}" && --depth === 0) break;
      }
    }
  }
  return text.length - 1;
}

function checkTemplates(module, report) {
  for (const call of templateCalls(module)) {
    const where = { file: call.entry.file, line: lineOf(module.files.get(call.entry.file) ?? "", new RegExp(escape(call.name))) };
    if (call.content === null) {
      report({ ...where, rule: "template-variables", message: `templatefile: ${call.name} does not exist in ${module.folder}` });
      continue;
    }
    if (referenceCache.get(call.content) === null) {
      report({ ...where, rule: "template-variables", message: `templatefile: ${call.name} does not parse as a template` });
      continue;
    }
    if (call.keys === null) continue;
    const needed = new Set(cachedReferences(call.content).map((reference) => segmentsOf(reference)[0]));
    for (const name of needed) {
      if (!call.keys.includes(name)) report({ ...where, rule: "template-variables", message: `templatefile: ${call.name} refers to "${name}", which the call does not pass` });
    }
  }
}

// ---- provider version ----

function checkProviderVersion(module, report) {
  let found = null;
  for (const { file, body } of module.terraform) {
    for (const providers of [body.required_providers ?? []].flat()) {
      if (providers.aws) found = { file, aws: providers.aws };
    }
  }
  if (!found) {
    report({ file: join(module.folder, "versions.tf"), line: 1, rule: "provider-version", message: "the root module does not declare hashicorp/aws in required_providers" });
    return;
  }
  const constraint = typeof found.aws === "object" ? found.aws.version : found.aws;
  const line = lineOf(module.files.get(found.file) ?? "", /\baws\s*=/);
  if (typeof constraint !== "string") {
    report({ file: found.file, line, rule: "provider-version", message: "hashicorp/aws has no version constraint" });
    return;
  }
  if (!satisfies(AWS_PROVIDER_VERSION, constraint) || satisfies("7.0.0", constraint)) {
    report({ file: found.file, line, rule: "provider-version", message: `hashicorp/aws "${constraint}" must admit ${AWS_PROVIDER_VERSION} (the checked schema) and no 7.x` });
  }
}

/** Terraform's version constraints: comma-separated `op version`, op one of = != > >= < <= ~>. */
function satisfies(version, constraint) {
  const parts = (text) => text.split(".").map(Number);
  const compare = (a, b) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const v = parts(version);
  return constraint.split(",").every((clause) => {
    const match = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(clause);
    if (!match) return false;
    const [, op = "=", text] = match;
    const c = parts(text);
    const order = compare(v, c);
    switch (op) {
      case "=": return order === 0;
      case "!=": return order !== 0;
      case ">": return order > 0;
      case ">=": return order >= 0;
      case "<": return order < 0;
      case "<=": return order <= 0;
      case "~>": {
        if (order < 0) return false;
        const upper = c.length === 1 ? [c[0] + 1] : [...c.slice(0, c.length - 2), c[c.length - 2] + 1];
        return compare(v, upper) < 0;
      }
    }
    return false;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Policies, on module instances (the root and every module it calls), with values traced between them
// ---------------------------------------------------------------------------------------------------------------

function instancesOf(root, modules) {
  const instances = [];
  const build = (module, key, parent, call, depth) => {
    const instance = { key, module, parent, call, children: new Map() };
    instances.push(instance);
    if (depth > 20) return instance;
    for (const childCall of module.calls.values()) {
      const child = childModule(module, childCall, modules);
      if (child) instance.children.set(childCall.name, build(child, `${key}.module.${childCall.name}`, instance, childCall, depth + 1));
    }
    return instance;
  };
  const reached = new Set();
  const rootModule = modules.get(root);
  if (rootModule) build(rootModule, "root", null, null, 0);
  for (const instance of instances) reached.add(instance.module.folder);
  // Folders no module call reaches are checked on their own, their variables at their defaults.
  for (const module of modules.values()) {
    if (!reached.has(module.folder)) {
      const before = instances.length;
      build(module, relative(root, module.folder), null, null, 0);
      for (const instance of instances.slice(before)) reached.add(instance.module.folder);
    }
  }
  return instances;
}

function emptyTrace() {
  return { values: [], resources: new Set(), operator: new Set(), unknown: false, computed: false };
}

function merge(into, from) {
  into.values.push(...from.values);
  for (const item of from.resources) into.resources.add(item);
  for (const item of from.operator) into.operator.add(item);
  into.unknown ||= from.unknown;
  into.computed ||= from.computed;
  return into;
}

/**
 * What a value can be: its literal values, the resources it comes from, the root variables (settable by an
 * operator) it depends on, and whether it is computed (an expression, not a plain reference or literal).
 * `scope.forEach` is the for_each of the resource the value is in, `scope.iterators` the dynamic blocks' for_each.
 */
function trace(value, instance, scope = {}, seen = new Set()) {
  const result = emptyTrace();
  if (value === null || value === undefined) return result;
  if (typeof value === "number" || typeof value === "boolean") {
    result.values.push(value);
    return result;
  }
  if (Array.isArray(value)) {
    for (const item of value) merge(result, trace(item, instance, scope, seen));
    return result;
  }
  if (typeof value === "object") {
    for (const item of Object.values(value)) merge(result, trace(item, instance, scope, seen));
    return result;
  }
  const text = String(value);
  if (!text.includes("${")) {
    result.values.push(text);
    return result;
  }
  const key = `${instance.key}\u0000${text}`;
  if (seen.has(key)) return result;
  seen = new Set([...seen, key]);

  const references = cachedReferences(text);
  const single = /^\$\{\s*([\w.\-"[\]*]+)\s*\}$/.exec(text);
  if (!single) {
    result.computed = true;
    // Quoted literals inside the expression: what a conditional or a list may give.
    for (const match of text.matchAll(/"((?:[^"\\$]|\\.)*)"/g)) result.values.push(match[1]);
  }
  for (const reference of references) merge(result, traceReference(reference, instance, scope, seen));
  if (!single && references.length === 0) result.unknown = true;
  return result;
}

function traceReference(reference, instance, scope, seen) {
  const segments = segmentsOf(reference);
  const [rootName, second, third] = segments;
  const module = instance.module;
  const result = emptyTrace();
  if (rootName === "var") {
    if (instance.call && second in instance.call.body) return trace(instance.call.body[second], instance.parent, {}, seen);
    const variable = module.variables.get(second);
    if (!instance.parent) result.operator.add(`var.${second}`);
    if (variable && "default" in variable.body) return merge(result, trace(variable.body.default, instance, {}, seen));
    result.unknown = true;
    return result;
  }
  if (rootName === "local") {
    const local = module.locals.get(second);
    if (local) return trace(local.value, instance, {}, seen);
    result.unknown = true;
    return result;
  }
  if (rootName === "module") {
    const child = instance.children.get(second);
    const output = child?.module.outputs.get(isIndex(third) ? segments[3] : third);
    if (output) return trace(output.body.value, child, {}, seen);
    result.unknown = true;
    return result;
  }
  if (rootName === "each") {
    if (scope.forEach !== undefined) return trace(scope.forEach, instance, {}, seen);
    result.unknown = true;
    return result;
  }
  if (scope.iterators && rootName in scope.iterators) return trace(scope.iterators[rootName], instance, {}, seen);
  if (rootName === "data" && second && third) {
    result.resources.add(`${instance.key}/data.${second}.${third}`);
    return result;
  }
  if (second !== undefined && module.resources.has(`${rootName}.${second}`)) {
    result.resources.add(`${instance.key}/${rootName}.${second}`);
    return result;
  }
  result.unknown = true;
  return result;
}

const isTrue = (value) => value === true || value === "true";
const isFalse = (value) => value === false || value === "false";

/** Whether the argument is fixed to `expected` (true or false) by the configuration. */
function fixedBoolean(body, argument, expected, instance, scope, { absentIs } = {}) {
  if (!(argument in body)) {
    return absentIs === expected ? { ok: true } : { ok: false, why: `${argument} is not set` };
  }
  const traced = trace(body[argument], instance, scope);
  const matches = expected ? isTrue : isFalse;
  if (traced.values.some((value) => !matches(value))) return { ok: false, why: `${argument} can be ${traced.values.find((value) => !matches(value))}` };
  if (traced.operator.size > 0) return { ok: false, why: `${argument} depends on ${[...traced.operator].join(", ")}, which an operator can set` };
  if (traced.unknown || traced.computed || traced.values.length === 0) return { ok: false, why: `${argument} is computed, not fixed to ${expected}` };
  return { ok: true };
}

function checkPolicies(root, modules, report) {
  const instances = instancesOf(root, modules);

  // The balancer's security groups, wherever they are declared.
  const balancerGroups = new Set();
  for (const instance of instances) {
    for (const resource of instance.module.resources.values()) {
      if (resource.type !== "aws_lb" && resource.type !== "aws_alb") continue;
      const type = resource.body.load_balancer_type;
      if (type !== undefined && type !== "application") continue;
      const scope = { forEach: resource.body.for_each };
      for (const group of trace(resource.body.security_groups, instance, scope).resources) {
        if (/\/aws_security_group\.[^/]+$/.test(group)) balancerGroups.add(group);
      }
    }
  }

  for (const instance of instances) {
    for (const resource of instance.module.resources.values()) {
      const where = blockWhere(instance.module, resource);
      const address = `${resource.type}.${resource.name}`;
      const body = resource.body;
      const scope = { forEach: body.for_each };
      const policy = (rule, check, what) => {
        const argument = what.split(" ")[0];
        if (!check.ok) report({ ...keyWhere(where, argument), rule, message: `${address}: ${what} (${check.why})` });
      };
      switch (resource.type) {
        case "aws_security_group": {
          const group = `${instance.key}/${address}`;
          for (const rule of [body.ingress ?? []].flat()) checkIngress(rule, group, instance, scope, balancerGroups, address, where, report);
          for (const block of [body.dynamic?.ingress ?? []].flat()) {
            const iterator = typeof block.iterator === "string" ? block.iterator : "ingress";
            const dynamicScope = { ...scope, iterators: { [iterator]: block.for_each } };
            for (const content of [block.content ?? []].flat()) checkIngress(content, group, instance, dynamicScope, balancerGroups, address, where, report);
          }
          break;
        }
        case "aws_security_group_rule": {
          if (body.type !== "ingress") break;
          const groups = trace(body.security_group_id, instance, scope).resources;
          checkIngress(body, [...groups], instance, scope, balancerGroups, address, where, report);
          break;
        }
        case "aws_vpc_security_group_ingress_rule": {
          const groups = trace(body.security_group_id, instance, scope).resources;
          checkIngress(
            { cidr_blocks: body.cidr_ipv4, ipv6_cidr_blocks: body.cidr_ipv6, from_port: body.from_port, to_port: body.to_port, protocol: body.ip_protocol },
            [...groups], instance, scope, balancerGroups, address, where, report,
          );
          break;
        }
        case "aws_db_instance":
          policy("rds-storage-encrypted", fixedBoolean(body, "storage_encrypted", true, instance, scope), "storage_encrypted must be true");
          policy("rds-deletion-protection", fixedBoolean(body, "deletion_protection", true, instance, scope), "deletion_protection must be true");
          policy("rds-publicly-accessible", fixedBoolean(body, "publicly_accessible", false, instance, scope, { absentIs: false }), "publicly_accessible must be false");
          break;
        case "aws_rds_cluster":
          policy("rds-storage-encrypted", fixedBoolean(body, "storage_encrypted", true, instance, scope), "storage_encrypted must be true");
          policy("rds-deletion-protection", fixedBoolean(body, "deletion_protection", true, instance, scope), "deletion_protection must be true");
          break;
        case "aws_elasticache_replication_group":
          policy("elasticache-at-rest-encryption", fixedBoolean(body, "at_rest_encryption_enabled", true, instance, scope), "at_rest_encryption_enabled must be true");
          policy("elasticache-transit-encryption", fixedBoolean(body, "transit_encryption_enabled", true, instance, scope), "transit_encryption_enabled must be true");
          break;
        case "aws_efs_file_system":
          policy("efs-encrypted", fixedBoolean(body, "encrypted", true, instance, scope), "encrypted must be true");
          break;
        case "aws_lb_target_group":
        case "aws_alb_target_group": {
          const protocol = body.protocol;
          if (body.target_type === "lambda" || (typeof protocol === "string" && !["HTTP", "HTTPS"].includes(protocol) && !protocol.includes("${"))) break;
          const stickiness = [body.stickiness ?? []].flat();
          if (stickiness.length === 0) {
            report({ ...where, rule: "target-group-stickiness", message: `${address}: needs stickiness { type = "lb_cookie", enabled = true } (Blazor Server circuits live on one node)` });
          } else {
            policy("target-group-stickiness", fixedBoolean(stickiness[0], "enabled", true, instance, scope), "stickiness must be enabled (Blazor Server circuits live on one node)");
          }
          break;
        }
      }
    }
  }
}

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

function checkIngress(rule, groups, instance, scope, balancerGroups, address, where, report) {
  const cidrs = merge(trace(rule.cidr_blocks, instance, scope), trace(rule.ipv6_cidr_blocks, instance, scope));
  const open = cidrs.values.filter((value) => WORLD.has(String(value)));
  if (open.length === 0) return;
  const groupList = [groups].flat();
  const toBalancer = groupList.length > 0 && groupList.every((group) => balancerGroups.has(group));
  const ports = [...new Set([...portValues(rule.from_port, instance, scope), ...portValues(rule.to_port, instance, scope)])];
  const protocol = trace(rule.protocol, instance, scope);
  const tcp = protocol.values.length > 0 && !protocol.unknown && protocol.values.every((value) => ["tcp", "6"].includes(String(value).toLowerCase()));
  const webPort = ports.length === 1 && (ports[0] === 80 || ports[0] === 443);
  if (toBalancer && tcp && webPort) return;
  const allProtocols = protocol.values.some((value) => ["-1", "all"].includes(String(value).toLowerCase()));
  const portText = allProtocols ? "every protocol and port" : ports.some(Number.isNaN) ? "ports it computes" : ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(", ")}`;
  const why = !toBalancer ? "the group is not the balancer's" : "only tcp 80 and 443 may be open to the internet";
  report({ ...where, rule: "security-group-ingress", message: `${address}: ingress from ${[...new Set(open)].join(", ")} on ${portText} (${why})` });
}

function portValues(value, instance, scope) {
  const traced = trace(value, instance, scope);
  if (traced.unknown || traced.computed) return [NaN];
  return traced.values.map(Number);
}

// ---------------------------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------------------------

/** `file:line: [rule] message`, the file relative to `base` when it is inside it. */
export function formatProblem(problem, base = process.cwd()) {
  const inside = relative(base, problem.file);
  const file = inside.startsWith("..") ? problem.file : inside.split(sep).join("/");
  return `${file}:${problem.line}: [${problem.rule}] ${problem.message}`;
}

async function main(argv) {
  if (argv.length !== 1 || argv[0] === "--help" || argv[0] === "-h") {
    console.error("usage: node terraform.mjs <folder of .tf files>\n  prints one line per problem and exits 1 when there is any, 0 when none");
    return 2;
  }
  let problems;
  try {
    problems = await checkTerraform(argv[0]);
  } catch (error) {
    console.error(`terraform.mjs: ${error.message}`);
    return 2;
  }
  for (const problem of problems) console.log(formatProblem(problem));
  const folders = moduleFolders(resolve(argv[0])).length;
  console.error(problems.length === 0 ? `terraform.mjs: ${folders} modules checked, no problem` : `terraform.mjs: ${problems.length} problem(s) in ${folders} modules`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
