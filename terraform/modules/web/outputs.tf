output "asg_name" {
  description = "The first server group, or null when it is no longer Terraform's."
  value       = one(aws_autoscaling_group.initial[*].name)
}

output "launch_template_id" {
  description = "Launch template of the nodes."
  value       = aws_launch_template.web.id
}

output "instance_profile_name" {
  description = "Instance profile of the nodes."
  value       = aws_iam_instance_profile.node.name
}

output "role_arn" {
  description = "The nodes' role."
  value       = aws_iam_role.node.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the portal's log."
  value       = aws_cloudwatch_log_group.portal.name
}

output "user_data_base64" {
  description = "The nodes' user data, base64 (secret ARNs, no secret values)."
  value       = aws_launch_template.web.user_data
}
