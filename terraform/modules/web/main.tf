# The web nodes: a launch template over the image Spinnaker bakes (deploy/image/), an instance role that may read
# exactly the portal's secrets, and the first server group.
#
# How Spinnaker takes over. Spinnaker names server groups <application>-<stack>[-<detail>]-vNNN and groups them by
# that name into a cluster (here medicalportal-prod). Terraform creates the cluster's first server group,
# <cluster>-v000, attached to the balancer's target group, so that the environment serves as soon as it is applied.
# Spinnaker's red/black deploy then creates v001, v002... from each new baked image with the same instance profile,
# security group, subnets (immutable_metadata purpose), target group and user data (outputs of the root module;
# user_data_base64 when the deploy stage does not copy it from the source server group), waits for them to be
# healthy in the target group, and disables the previous group, keeping it for rollback until it destroys it. From
# the first such deploy the server groups are Spinnaker's. The operator then removes v000 from Terraform's state
# and turns it off here, so that a later apply neither recreates nor destroys it:
#
#   terraform state rm 'module.web.aws_autoscaling_group.initial[0]'
#   terraform apply -var create_initial_server_group=false        (or set it in terraform.tfvars)
#
# Until then, Terraform ignores what Spinnaker changes on v000 (capacity, target groups, suspended processes).
# Everything else here (role, profile, launch template, log group) stays Terraform's. A change to the role reaches
# every node at once. A change to the user data does not: Spinnaker's deploys clone the serving server group, whose
# launch template is a copy of the one it was cloned from (decision 0026). To roll out new user data, point the
# pipeline's clone at a server group launched from this launch template (or let Spinnaker deploy from it once).

locals {
  server_group_name = "${var.cluster}-v000"
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

# The image must exist (and be shared with this account): a mistyped id fails the plan, not the launch.
data "aws_ami" "web" {
  owners = var.image_owners

  filter {
    name   = "image-id"
    values = [var.image_id]
  }
}

# ---- the portal's log ----

resource "aws_cloudwatch_log_group" "portal" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# ---- the instance role: least privilege ----

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "Ec2AssumesTheNodeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name                 = "${var.cluster}-node"
  description          = "MedicalPortal web nodes: read the portal's secrets, write its log, mount the export file system"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  max_session_duration = 3600
}

locals {
  secret_arns = concat(
    [
      var.audit_hmac_key_secret_arn,
      var.export_pseudonym_key_secret_arn,
      var.data_protection_certificate_secret_arn,
      var.redis_auth_token_secret_arn,
      var.catalog_database.secret_arn,
    ],
    [for shard in var.shard_databases : shard.secret_arn],
  )
}

data "aws_iam_policy_document" "node" {
  # Exactly the secrets the boot script reads, and nothing that lists or changes secrets.
  statement {
    sid       = "ReadThePortalSecrets"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.secret_arns
  }

  # The secrets are encrypted with the customer-managed key: decrypting them, through Secrets Manager only.
  statement {
    sid       = "DecryptThePortalSecrets"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.region}.amazonaws.com"]
    }
  }

  # The CloudWatch agent writes the portal's log, one stream per instance, into this log group only.
  statement {
    sid       = "WriteThePortalLog"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [aws_cloudwatch_log_group.portal.arn, "${aws_cloudwatch_log_group.portal.arn}:*"]
  }

  # Mount the export file system through its mount targets (IAM authorization of efs-utils' "iam" option). Root
  # access: the boot script, as root, hands the export directory to the medicalportal user.
  statement {
    sid       = "MountTheExportFileSystem"
    effect    = "Allow"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"]
    resources = [var.export_file_system_arn]

    condition {
      test     = "Bool"
      variable = "elasticfilesystem:AccessedViaMountTarget"
      values   = ["true"]
    }
  }
}

data "aws_iam_policy_document" "anchors" {
  # Copy new audit checkpoints into the Object Lock bucket: add and list, never delete (Object Lock would refuse it
  # anyway), and encrypt with the customer-managed key through S3 only.
  statement {
    sid       = "ListTheCheckpoints"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.anchor_bucket_arn]
  }

  statement {
    sid       = "AddCheckpoints"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${var.anchor_bucket_arn}/*"]
  }

  statement {
    sid       = "EncryptCheckpoints"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "anchors" {
  name   = "medicalportal-audit-anchors"
  role   = aws_iam_role.node.id
  policy = data.aws_iam_policy_document.anchors.json
}

resource "aws_iam_role_policy" "node" {
  name   = "medicalportal-node"
  role   = aws_iam_role.node.id
  policy = data.aws_iam_policy_document.node.json
}

# Operators reach a node's shell through SSM Session Manager (no SSH, no key pair), and run the portal's commands
# (migrate, shards, verify-audit) there with the node's own settings.
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "node" {
  name = "${var.cluster}-node"
  role = aws_iam_role.node.name
}

# The file system admits the nodes' role only, and only over TLS.
data "aws_iam_policy_document" "exports" {
  statement {
    sid       = "NodesMountOverTls"
    effect    = "Allow"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"]
    resources = [var.export_file_system_arn]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.node.arn]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }

  statement {
    sid       = "NothingWithoutTls"
    effect    = "Deny"
    actions   = ["*"]
    resources = [var.export_file_system_arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_efs_file_system_policy" "exports" {
  file_system_id = var.export_file_system_id
  policy         = data.aws_iam_policy_document.exports.json
}

# ---- the launch template ----

locals {
  user_data = templatefile("${path.module}/user-data.sh.tftpl", {
    region           = data.aws_region.current.region
    log_group_name   = aws_cloudwatch_log_group.portal.name
    file_system_id   = var.export_file_system_id
    export_directory = var.export_directory
    anchor_bucket    = var.anchor_bucket_name

    audit_hmac_key_secret_arn              = var.audit_hmac_key_secret_arn
    export_pseudonym_key_secret_arn        = var.export_pseudonym_key_secret_arn
    data_protection_certificate_secret_arn = var.data_protection_certificate_secret_arn
    redis_auth_token_secret_arn            = var.redis_auth_token_secret_arn
    redis_host                             = var.redis_host
    redis_port                             = var.redis_port
    catalog                                = var.catalog_database
    shards                                 = var.shard_databases
    known_networks                         = var.known_networks
    portal_settings                        = var.portal_settings
  })
}

resource "aws_launch_template" "web" {
  name                   = "${var.cluster}-node"
  description            = "MedicalPortal web node (the first server group; Spinnaker's deploys copy it)"
  image_id               = data.aws_ami.web.id
  instance_type          = var.instance_type
  ebs_optimized          = true
  update_default_version = true
  vpc_security_group_ids = [var.security_group_id]
  user_data              = base64encode(local.user_data)

  iam_instance_profile {
    arn = aws_iam_instance_profile.node.arn
  }

  # IMDSv2 only, and one hop: a container on the node cannot reach the role's credentials.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = data.aws_ami.web.root_device_name

    ebs {
      volume_size           = var.root_volume_gib
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  # The provider's default tags reach the template, not what it launches: the instances and volumes get them here.
  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = local.server_group_name })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = local.server_group_name })
  }
}

# ---- the first server group ----

resource "aws_autoscaling_group" "initial" {
  count = var.create_server_group ? 1 : 0

  name                = local.server_group_name
  vpc_zone_identifier = var.subnet_ids
  min_size            = var.min_size
  max_size            = var.max_size
  desired_capacity    = var.desired_capacity
  target_group_arns   = [var.target_group_arn]

  health_check_type         = var.health_check_type
  health_check_grace_period = var.warmup_seconds
  default_instance_warmup   = var.warmup_seconds
  wait_for_capacity_timeout = "20m"
  termination_policies      = ["OldestLaunchTemplate", "OldestInstance"]
  enabled_metrics           = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"]

  launch_template {
    id      = aws_launch_template.web.id
    version = aws_launch_template.web.latest_version
  }

  dynamic "tag" {
    for_each = merge(var.tags, { Name = local.server_group_name })

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    # Spinnaker resizes, disables (suspends processes, leaves the target group) and enables server groups.
    ignore_changes = [desired_capacity, min_size, max_size, target_group_arns, suspended_processes]
  }

  depends_on = [aws_iam_role_policy.node, aws_iam_role_policy.anchors, aws_iam_role_policy_attachment.ssm, aws_efs_file_system_policy.exports]
}
