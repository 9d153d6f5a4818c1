variable "name" {
  type        = string
  description = "Prefix of every name (the Spinnaker cluster, <application>-<stack>)."
}

variable "log_group_name" {
  type        = string
  description = "The portal's CloudWatch log group, which CloudWatch Logs may encrypt with the key."
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Days between scheduling the key's deletion and its deletion."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted secret can still be restored."
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30
    error_message = "secret_recovery_window_days must be between 7 and 30."
  }
}
