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
