# The export directory every node shares (Export:Directory): scheduled extractions are written by whichever node
# holds the catalog lease and downloaded through any node, so the files must be on storage all nodes mount. EFS,
# encrypted at rest with the customer-managed key, mounted over TLS (efs-utils) with IAM authorization: the file
# system policy (modules/web, which knows the nodes' role) admits the nodes' role only, and only over TLS. One mount
# target per zone, in the data subnets. AWS Backup keeps daily backups of it (the extractions are what left the
# clinic, kept as evidence).

resource "aws_efs_file_system" "this" {
  creation_token   = "${var.name}-exports"
  encrypted        = true
  kms_key_id       = var.kms_key_arn
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"

  tags = {
    Name = "${var.name}-exports"
  }
}

resource "aws_efs_mount_target" "this" {
  count = length(var.subnet_ids)

  file_system_id  = aws_efs_file_system.this.id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = [var.security_group_id]
}

resource "aws_efs_backup_policy" "this" {
  file_system_id = aws_efs_file_system.this.id

  backup_policy {
    status = "ENABLED"
  }
}

# The audit checkpoints' second home (Audit:AnchorDirectory, decision 0027): the nodes write each checkpoint once to
# .audit-anchors on the export file system, and a timer on every node copies new ones here. S3 Object Lock in
# compliance mode keeps every object version for var.anchor_retention_days: nobody, the account's root included, can
# delete or overwrite one before then, so a database administrator who rolls back an audit chain cannot also roll back
# the record of its head. Versioned (Object Lock needs it), encrypted with the customer-managed key, never public, TLS
# only. The nodes may add objects and list them, nothing else.
resource "aws_s3_bucket" "anchors" {
  bucket_prefix       = "${var.name}-audit-anchors-"
  object_lock_enabled = true
  force_destroy       = false

  tags = {
    Name = "${var.name}-audit-anchors"
  }
}

resource "aws_s3_bucket_versioning" "anchors" {
  bucket = aws_s3_bucket.anchors.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "anchors" {
  bucket = aws_s3_bucket.anchors.id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.anchor_retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.anchors]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "anchors" {
  bucket = aws_s3_bucket.anchors.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "anchors" {
  bucket                  = aws_s3_bucket.anchors.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "anchors" {
  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.anchors.arn, "${aws_s3_bucket.anchors.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "anchors" {
  bucket = aws_s3_bucket.anchors.id
  policy = data.aws_iam_policy_document.anchors.json

  depends_on = [aws_s3_bucket_public_access_block.anchors]
}
