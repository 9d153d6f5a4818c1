variable "name" {
  type        = string
  description = "Name of the balancer (at most 32 characters); the target group is <name>-web."

  validation {
    condition     = length(var.name) <= 28
    error_message = "name must be at most 28 characters (the target group's name, <name>-web, at most 32)."
  }
}

variable "vpc_id" {
  type        = string
  description = "The VPC."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Public subnets, in two zones."
}

variable "security_group_id" {
  type        = string
  description = "Security group of the balancer."
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate of the HTTPS listener."
}

variable "ssl_policy" {
  type        = string
  description = "TLS policy of the HTTPS listener."
}

variable "idle_timeout_seconds" {
  type        = number
  description = "Idle timeout of connections (WebSockets included)."
}

variable "deregistration_delay_seconds" {
  type        = number
  description = "Time a leaving node keeps its in-flight requests."
}

variable "stickiness_seconds" {
  type        = number
  description = "Lifetime of the stickiness cookie."
}

variable "access_logs_bucket" {
  type        = string
  description = "S3 bucket for access logs; null keeps them off."
  default     = null
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the balancer."
  default     = true
}
