# The customer-managed KMS key (rotated yearly) that encrypts the secrets, the databases, the cache, the export file
# system, the nodes' volumes and the portal's log; the portal's two keys kept outside every database,
# Audit:HmacKey and Export:PseudonymKey (base64 of 32 random bytes each, ARCHITECTURE.md section 9); and
# DataProtection:Certificate, which encrypts the Data Protection key ring in the catalog (decision 0030).
#
# random_bytes, not random_password: the portal decodes these settings as base64 and needs 32 bytes of key, while
# random_password yields printable characters. random_bytes.base64 is the standard base64 of `length` bytes from a
# cryptographic generator. Both keys are generated once and must never change: a new HMAC key breaks every audit
# chain's verification, a new pseudonym key gives every study participant a new research id. Hence
# prevent_destroy on them and on their secrets. They live in Terraform's state, which must be the encrypted,
# access-controlled remote state of backend.tf.example.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region
}

data "aws_iam_policy_document" "key" {
  # The account administers the key through IAM: who may use it is decided by IAM policies (the web nodes' role
  # may decrypt through Secrets Manager only), as AWS's default key policy does.
  statement {
    sid       = "AccountAdministersTheKeyThroughIam"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }
  }

  # CloudWatch Logs encrypts the portal's log group with the key, for that log group only.
  statement {
    sid       = "CloudWatchLogsEncryptsThePortalLog"
    effect    = "Allow"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${var.log_group_name}"]
    }
  }

  # The nodes' root volumes are encrypted with the key. The Auto Scaling service-linked role launches them (for
  # Terraform's server group and for Spinnaker's) and has no KMS permission in IAM, so the key policy lets principals
  # of this account use the key through EC2 only, as AWS's own aws/ebs key policy does.
  statement {
    sid       = "AccountPrincipalsUseTheKeyThroughEc2"
    effect    = "Allow"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ec2.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "AccountPrincipalsGrantTheKeyToEc2Volumes"
    effect    = "Allow"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ec2.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: secrets, databases, cache, export storage, volumes and log of MedicalPortal"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# ---- Audit:HmacKey and Export:PseudonymKey ----

resource "random_bytes" "audit_hmac_key" {
  length = 32

  lifecycle {
    prevent_destroy = true
  }
}

resource "random_bytes" "export_pseudonym_key" {
  length = 32

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_secretsmanager_secret" "audit_hmac_key" {
  name                    = "${var.name}/audit-hmac-key"
  description             = "MedicalPortal Audit:HmacKey: base64 of 32 random bytes sealing every audit chain. Never change it."
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_secretsmanager_secret_version" "audit_hmac_key" {
  secret_id     = aws_secretsmanager_secret.audit_hmac_key.id
  secret_string = random_bytes.audit_hmac_key.base64
}

resource "aws_secretsmanager_secret" "export_pseudonym_key" {
  name                    = "${var.name}/export-pseudonym-key"
  description             = "MedicalPortal Export:PseudonymKey: base64 of 32 random bytes keying research ids. Never change it."
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_secretsmanager_secret_version" "export_pseudonym_key" {
  secret_id     = aws_secretsmanager_secret.export_pseudonym_key.id
  secret_string = random_bytes.export_pseudonym_key.base64
}

# ---- DataProtection:Certificate ----
#
# The certificate that encrypts every Data Protection key before the portal stores it in the catalog, so that a copy
# of the catalog (a snapshot, a backup) forges no cookie or token and reads no registered shard's connection string.
# RSA 3072, self-signed: nothing validates it, the portal only encrypts to it and decrypts with its key. The secret
# holds the certificate and then its private key (PKCS#1, "RSA PRIVATE KEY"), one PEM, which the nodes write to a file
# at boot.
#
# Its validity dates are not checked by anyone, so it is made to outlive the installation rather than to expire into
# a replacement. Replacing it would leave every key encrypted to the old one unreadable (everyone signed out, the
# connection strings of shards added with `shards add` lost) unless the old one is kept as
# DataProtection:PreviousCertificates: hence prevent_destroy, as for the two keys above. Rotating it is an operator's
# step (OPERATIONS.md, "Several nodes").

resource "tls_private_key" "data_protection" {
  algorithm = "RSA"
  rsa_bits  = 3072

  lifecycle {
    prevent_destroy = true
  }
}

resource "tls_self_signed_cert" "data_protection" {
  private_key_pem       = tls_private_key.data_protection.private_key_pem
  validity_period_hours = 876000 # 100 years
  allowed_uses          = ["key_encipherment", "data_encipherment"]

  subject {
    common_name  = "${var.name} Data Protection key ring"
    organization = "MedicalPortal"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_secretsmanager_secret" "data_protection_certificate" {
  name                    = "${var.name}/data-protection-certificate"
  description             = "MedicalPortal DataProtection:Certificate: PEM of the certificate and private key that encrypt the Data Protection key ring. Never change it without keeping the old one."
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_secretsmanager_secret_version" "data_protection_certificate" {
  secret_id     = aws_secretsmanager_secret.data_protection_certificate.id
  secret_string = "${tls_self_signed_cert.data_protection.cert_pem}${tls_private_key.data_protection.private_key_pem}"
}
