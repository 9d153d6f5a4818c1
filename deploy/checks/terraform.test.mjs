// The offline Terraform check: the real terraform/ passes, and each rule, broken on purpose in a copy of it, is
// reported naming the file and the rule. The first run fetches the provider schema into .cache/ (fetch-schema.sh);
// later runs need no network.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { AWS_PROVIDER_VERSION, loadSchema } from "./schema.mjs";
import { checkTerraform, formatProblem } from "./terraform.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const terraformDir = join(here, "..", "..", "terraform");

before(() => {
  loadSchema(); // fetches the package the first time
});

/** Copies terraform/, lets `breakIt` change the copy, and returns what the checker says about it. */
async function problemsAfter(breakIt) {
  const dir = mkdtempSync(join(tmpdir(), "terraform-check-"));
  try {
    cpSync(terraformDir, dir, { recursive: true, filter: (source) => !source.includes(`${"/"}.terraform`) });
    breakIt(dir);
    return (await checkTerraform(dir)).map((problem) => ({ ...problem, text: formatProblem(problem, dir) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces `from` (which must be there, once) by `to` in a file of the copy. */
function edit(dir, file, from, to) {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  assert.equal(text.split(from).length, 2, `${file} holds ${JSON.stringify(from)} exactly once`);
  writeFileSync(path, text.replace(from, to));
}

function append(dir, file, text) {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(path, "utf8") + "\n" + text);
}

/** The problems include one of `rule` in `file` whose message holds every `includes`; with `only`, nothing else. */
function assertReported(problems, { file, rule, includes = [], only = true }) {
  const listing = problems.map((problem) => problem.text).join("\n") || "(no problem)";
  const match = problems.find(
    (problem) => problem.text.startsWith(`${file}:`) && problem.rule === rule && includes.every((part) => problem.message.includes(part)),
  );
  assert.ok(match, `expected [${rule}] in ${file} mentioning ${JSON.stringify(includes)}; the checker said:\n${listing}`);
  assert.match(match.text, new RegExp(`^${file.replace(/[.]/g, "\\.")}:\\d+: \\[${rule}\\] `));
  if (only) assert.deepEqual([...new Set(problems.map((problem) => problem.rule))], [rule], `only [${rule}] expected:\n${listing}`);
}

describe("the provider schema read from @cdktf/provider-aws", () => {
  test(`is hashicorp/aws ${AWS_PROVIDER_VERSION}, with resources, data sources and nested blocks`, () => {
    const schema = loadSchema();
    assert.equal(schema.providerVersion, "6.25.0");
    assert.ok(Object.keys(schema.resources).length > 1500, "resources");
    assert.ok(Object.keys(schema.dataSources).length > 600, "data sources");

    const targetGroup = schema.resources.aws_lb_target_group;
    const stickiness = targetGroup.structs[targetGroup.structs[""].stickiness.nested];
    assert.deepEqual(Object.keys(stickiness).sort(), ["cookie_duration", "cookie_name", "enabled", "type"]);
    assert.ok(targetGroup.attributes.includes("arn"), "computed attributes are readable");

    const policy = schema.dataSources.aws_iam_policy_document;
    const statement = policy.structs[policy.structs[""].statement.nested];
    assert.ok(statement.principals.nested !== undefined && statement.condition.nested !== undefined);

    const template = schema.resources.aws_launch_template;
    const mappings = template.structs[template.structs[""].block_device_mappings.nested];
    assert.ok("encrypted" in template.structs[mappings.ebs.nested], "two levels of nesting");
    assert.ok("default_tags" in schema.provider.structs[""], "the provider's own configuration");
  });
});

describe("terraform/", () => {
  test("passes every check", async () => {
    const problems = (await checkTerraform(terraformDir)).map((problem) => formatProblem(problem, terraformDir));
    assert.deepEqual(problems, []);
  });

  test("the command line prints nothing and exits 0 on it, and exits 1 naming the problem on a broken copy", () => {
    const good = spawnSync(process.execPath, [join(here, "terraform.mjs"), terraformDir], { encoding: "utf8" });
    assert.equal(good.status, 0, good.stdout + good.stderr);
    assert.equal(good.stdout, "");

    const dir = mkdtempSync(join(tmpdir(), "terraform-check-"));
    try {
      cpSync(terraformDir, dir, { recursive: true });
      edit(dir, "modules/exports/main.tf", "encrypted        = true", "encrypted        = false");
      const bad = spawnSync(process.execPath, [join(here, "terraform.mjs"), dir], { encoding: "utf8", cwd: dir });
      assert.equal(bad.status, 1, bad.stdout + bad.stderr);
      assert.match(bad.stdout, /^modules\/exports\/main\.tf:\d+: \[efs-encrypted\] aws_efs_file_system\.this: encrypted must be true/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("each rule, broken in a copy of terraform/, is reported", () => {
  test("syntax: a file that does not parse", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/cache/main.tf", "port                 = local.port", "port                 = "));
    // The module's other files then refer to resources the broken file no longer declares: only the first is asserted.
    assertReported(problems, { file: "modules/cache/main.tf", rule: "syntax", includes: ["does not parse"], only: false });
  });

  test("unknown-type: a resource type the provider does not have", async () => {
    const problems = await problemsAfter((dir) =>
      append(dir, "modules/cache/main.tf", 'resource "aws_elasticache_replication_groups" "extra" {\n  description = "typo"\n}\n'),
    );
    assertReported(problems, { file: "modules/cache/main.tf", rule: "unknown-type", includes: ["aws_elasticache_replication_groups"] });
  });

  test("unknown-type: a data source type the provider does not have", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/web/main.tf", 'data "aws_ami" "web" {', 'data "aws_amis" "web" {'));
    // References to data.aws_ami.web now resolve to nothing as well.
    assertReported(problems, { file: "modules/web/main.tf", rule: "unknown-type", includes: ["aws_amis"], only: false });
  });

  test("unknown-argument: an argument the resource does not have", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "modules/balancer/main.tf", "idle_timeout               = var.idle_timeout_seconds", "idle_timeout_secs          = var.idle_timeout_seconds"),
    );
    assertReported(problems, { file: "modules/balancer/main.tf", rule: "unknown-argument", includes: ["aws_lb.this", "idle_timeout_secs"] });
  });

  test("unknown-argument: an argument a nested block does not have", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "modules/balancer/main.tf", "cookie_duration = var.stickiness_seconds", "cookie_lifetime = var.stickiness_seconds"),
    );
    assertReported(problems, { file: "modules/balancer/main.tf", rule: "unknown-argument", includes: ["aws_lb_target_group.web.stickiness", "cookie_lifetime"] });
  });

  test("unknown-argument: two levels down (launch template, block device, ebs)", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/web/main.tf", "delete_on_termination = true", "delete_on_terminate   = true"));
    assertReported(problems, { file: "modules/web/main.tf", rule: "unknown-argument", includes: ["block_device_mappings.ebs", "delete_on_terminate"] });
  });

  test("unknown-argument: a dynamic block that names no nested block", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/web/main.tf", 'dynamic "tag" {', 'dynamic "tags" {'));
    assertReported(problems, { file: "modules/web/main.tf", rule: "unknown-argument", includes: ['dynamic "tags"'], only: false });
  });

  test("unknown-argument: a lifecycle argument Terraform does not have", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/keys/main.tf", "prevent_destroy = true\n  }\n}\n\nresource \"random_bytes\" \"export", "prevent_destruction = true\n  }\n}\n\nresource \"random_bytes\" \"export"));
    assertReported(problems, { file: "modules/keys/main.tf", rule: "unknown-argument", includes: ["random_bytes.audit_hmac_key", "lifecycle.prevent_destruction"] });
  });

  test("unknown-argument: an argument random_password does not have (the random allow-list)", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/cache/main.tf", "min_numeric = 1", "min_digits  = 1"));
    assertReported(problems, { file: "modules/cache/main.tf", rule: "unknown-argument", includes: ["random_password.auth_token", "min_digits"] });
  });

  test("unknown-argument: an argument tls_private_key does not have (the tls allow-list)", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/keys/main.tf", "rsa_bits  = 3072", "key_bits  = 3072"));
    assertReported(problems, { file: "modules/keys/main.tf", rule: "unknown-argument", includes: ["tls_private_key.data_protection", "key_bits", "hashicorp/tls"] });
  });

  test("unknown-argument: an argument the tls certificate's subject block does not have", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/keys/main.tf", "organization = \"MedicalPortal\"", "company      = \"MedicalPortal\""));
    assertReported(problems, { file: "modules/keys/main.tf", rule: "unknown-argument", includes: ["tls_self_signed_cert.data_protection.subject", "company"] });
  });

  test("unresolved-reference: an attribute a tls resource does not have", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "modules/keys/main.tf", "${tls_self_signed_cert.data_protection.cert_pem}", "${tls_self_signed_cert.data_protection.certificate_pem}"),
    );
    assertReported(problems, { file: "modules/keys/main.tf", rule: "unresolved-reference", includes: ["tls_self_signed_cert.data_protection.certificate_pem", 'no attribute "certificate_pem"'] });
  });

  test("unresolved-reference: a variable the module does not declare", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "modules/database/main.tf", "backup_retention_period   = var.backup_retention_days", "backup_retention_period   = var.backup_retention_period"),
    );
    assertReported(problems, { file: "modules/database/main.tf", rule: "unresolved-reference", includes: ["var.backup_retention_period", "no variable"] });
  });

  test("unresolved-reference: a local the module does not declare", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/database/main.tf", "port           = local.port", "port           = local.ports"));
    assertReported(problems, { file: "modules/database/main.tf", rule: "unresolved-reference", includes: ["local.ports", "no local"] });
  });

  test("unresolved-reference: a resource the module does not declare", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "modules/database/main.tf", "db_subnet_group_name   = aws_db_subnet_group.this.name", "db_subnet_group_name   = aws_db_subnet_group.main.name"),
    );
    assertReported(problems, { file: "modules/database/main.tf", rule: "unresolved-reference", includes: ["aws_db_subnet_group.main", "no resource"] });
  });

  test("unresolved-reference: an attribute the resource does not have", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/balancer/outputs.tf", "value       = aws_lb.this.dns_name", "value       = aws_lb.this.dns"));
    assertReported(problems, { file: "modules/balancer/outputs.tf", rule: "unresolved-reference", includes: ["aws_lb.this.dns", 'no attribute "dns"'] });
  });

  test("unresolved-reference: a module output that does not exist", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "outputs.tf", "value       = module.exports.file_system_id", "value       = module.exports.file_system"),
    );
    assertReported(problems, { file: "outputs.tf", rule: "unresolved-reference", includes: ["module.exports.file_system", 'no output "file_system"'] });
  });

  test("unresolved-reference: a data source the module does not declare", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "modules/web/main.tf", "device_name = data.aws_ami.web.root_device_name", "device_name = data.aws_ami.node.root_device_name"),
    );
    assertReported(problems, { file: "modules/web/main.tf", rule: "unresolved-reference", includes: ["data.aws_ami.node", "no data source"] });
  });

  test("module-arguments: a required variable of a module not given", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "main.tf", "  security_group_id = module.security_groups.exports_id\n  kms_key_arn       = module.keys.kms_key_arn\n", "  security_group_id = module.security_groups.exports_id\n"),
    );
    assertReported(problems, { file: "main.tf", rule: "module-arguments", includes: ['module "exports"', 'required variable "kms_key_arn"'] });
  });

  test("module-arguments: an argument the module has no variable for", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "main.tf", "  security_group_id = module.security_groups.exports_id\n", "  security_group_id = module.security_groups.exports_id\n  throughput_mode   = \"bursting\"\n"),
    );
    assertReported(problems, { file: "main.tf", rule: "module-arguments", includes: ['module "exports"', 'no variable "throughput_mode"'] });
  });

  test("template-variables: the user data template refers to a value the call does not pass", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/web/main.tf", "    redis_port                             = var.redis_port\n", ""));
    assertReported(problems, { file: "modules/web/main.tf", rule: "template-variables", includes: ["user-data.sh.tftpl", '"redis_port"'] });
  });

  test("provider-version: a constraint that does not admit the checked provider version", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "versions.tf", 'version = "~> 6.25"', 'version = ">= 5.0"'));
    assertReported(problems, { file: "versions.tf", rule: "provider-version", includes: [">= 5.0"] });
  });

  test("security-group-ingress: SSH from 0.0.0.0/0", async () => {
    const problems = await problemsAfter((dir) =>
      append(
        dir,
        "modules/security-groups/main.tf",
        [
          'resource "aws_vpc_security_group_ingress_rule" "node_ssh" {',
          "  security_group_id = aws_security_group.node.id",
          '  ip_protocol       = "tcp"',
          "  from_port         = 22",
          "  to_port           = 22",
          '  cidr_ipv4         = "0.0.0.0/0"',
          "}",
        ].join("\n"),
      ),
    );
    assertReported(problems, { file: "modules/security-groups/main.tf", rule: "security-group-ingress", includes: ["node_ssh", "0.0.0.0/0", "port 22"] });
  });

  test("security-group-ingress: an inline rule from ::/0 on 22, even on the balancer's group", async () => {
    const problems = await problemsAfter((dir) =>
      edit(
        dir,
        "modules/security-groups/main.tf",
        '  description = "MedicalPortal balancer: 80 and 443 from the allowed networks, 8080 to the nodes"\n  vpc_id      = var.vpc_id\n',
        '  description = "MedicalPortal balancer: 80 and 443 from the allowed networks, 8080 to the nodes"\n  vpc_id      = var.vpc_id\n\n  ingress {\n    protocol         = "tcp"\n    from_port        = 22\n    to_port          = 22\n    ipv6_cidr_blocks = ["::/0"]\n  }\n',
      ),
    );
    assertReported(problems, { file: "modules/security-groups/main.tf", rule: "security-group-ingress", includes: ["aws_security_group.balancer", "::/0", "port 22"] });
  });

  test("security-group-ingress: 443 from the internet (the root variable's default, traced) on a group that is not the balancer's", async () => {
    const problems = await problemsAfter((dir) =>
      edit(
        dir,
        "modules/security-groups/main.tf",
        "  security_group_id = aws_security_group.balancer.id\n  description       = \"HTTPS from ${each.value}\"",
        "  security_group_id = aws_security_group.node.id\n  description       = \"HTTPS from ${each.value}\"",
      ),
    );
    assertReported(problems, { file: "modules/security-groups/main.tf", rule: "security-group-ingress", includes: ["balancer_https", "0.0.0.0/0", "not the balancer's"] });
  });

  test("rds-storage-encrypted: a database server without storage encryption", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/database/main.tf", "storage_encrypted     = true", "storage_encrypted     = false"));
    assertReported(problems, { file: "modules/database/main.tf", rule: "rds-storage-encrypted", includes: ["aws_db_instance.this", "storage_encrypted must be true"] });
  });

  test("rds-storage-encrypted: left to a variable an operator can set", async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, "modules/database/main.tf", "storage_encrypted     = true", "storage_encrypted     = var.multi_az");
    });
    assertReported(problems, { file: "modules/database/main.tf", rule: "rds-storage-encrypted", includes: ["var.db_multi_az", "an operator can set"] });
  });

  test("rds-deletion-protection: deletion protection off", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/database/main.tf", "deletion_protection       = true", "deletion_protection       = false"));
    assertReported(problems, { file: "modules/database/main.tf", rule: "rds-deletion-protection", includes: ["deletion_protection must be true"] });
  });

  test("rds-publicly-accessible: a publicly accessible database server", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/database/main.tf", "publicly_accessible    = false", "publicly_accessible    = true"));
    assertReported(problems, { file: "modules/database/main.tf", rule: "rds-publicly-accessible", includes: ["publicly_accessible must be false"] });
  });

  test("elasticache-transit-encryption: Redis without TLS in transit", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/cache/main.tf", "transit_encryption_enabled = true", "transit_encryption_enabled = false"));
    assertReported(problems, { file: "modules/cache/main.tf", rule: "elasticache-transit-encryption", includes: ["aws_elasticache_replication_group.this"] });
  });

  test("elasticache-at-rest-encryption: Redis without encryption at rest", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/cache/main.tf", "at_rest_encryption_enabled = true\n", ""));
    assertReported(problems, { file: "modules/cache/main.tf", rule: "elasticache-at-rest-encryption", includes: ["at_rest_encryption_enabled is not set"] });
  });

  test("efs-encrypted: an unencrypted export file system", async () => {
    const problems = await problemsAfter((dir) => edit(dir, "modules/exports/main.tf", "encrypted        = true", "encrypted        = false"));
    assertReported(problems, { file: "modules/exports/main.tf", rule: "efs-encrypted", includes: ["aws_efs_file_system.this", "encrypted must be true"] });
  });

  test("target-group-stickiness: stickiness turned off", async () => {
    const problems = await problemsAfter((dir) =>
      edit(dir, "modules/balancer/main.tf", "enabled         = true\n    cookie_duration", "enabled         = false\n    cookie_duration"),
    );
    assertReported(problems, { file: "modules/balancer/main.tf", rule: "target-group-stickiness", includes: ["aws_lb_target_group.web", "stickiness must be enabled"] });
  });

  test("target-group-stickiness: no stickiness block at all", async () => {
    const problems = await problemsAfter((dir) =>
      edit(
        dir,
        "modules/balancer/main.tf",
        '  stickiness {\n    type            = "lb_cookie"\n    enabled         = true\n    cookie_duration = var.stickiness_seconds\n  }\n',
        "",
      ),
    );
    assertReported(problems, { file: "modules/balancer/main.tf", rule: "target-group-stickiness", includes: ["needs stickiness"] });
  });
});
