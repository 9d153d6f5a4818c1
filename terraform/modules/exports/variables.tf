variable "name" {
  type        = string
  description = "Prefix of every name (the Spinnaker cluster, <application>-<stack>)."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the mount targets, one per zone."
}

variable "security_group_id" {
  type        = string
  description = "Security group of the mount targets (2049 from the web nodes only)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the file system."
}

variable "anchor_retention_days" {
  type        = number
  description = "How long S3 Object Lock (compliance mode) keeps every audit checkpoint: not even the account's root can delete one sooner."
}
