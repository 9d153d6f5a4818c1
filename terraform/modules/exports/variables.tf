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
