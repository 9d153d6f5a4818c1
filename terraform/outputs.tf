output "url" {
  description = "Where users open the portal."
  value       = "https://${coalesce(var.public_hostname, module.balancer.dns_name)}/"
}

output "balancer_dns_name" {
  description = "DNS name of the Application Load Balancer (point the clinic's record at it when Route 53 is not used)."
  value       = module.balancer.dns_name
}

output "balancer_zone_id" {
  description = "Hosted zone of the balancer's DNS name, for an alias record."
  value       = module.balancer.zone_id
}

output "target_group_arn" {
  description = "The web nodes' target group; Spinnaker's deploy stage attaches every new server group to it."
  value       = module.balancer.target_group_arn
}

output "target_group_name" {
  description = "Name of the web nodes' target group (Spinnaker's targetGroups)."
  value       = module.balancer.target_group_name
}

output "cluster" {
  description = "Spinnaker cluster (<application>-<stack>) whose first server group Terraform creates."
  value       = local.cluster
}

output "asg_name" {
  description = "The first server group (Auto Scaling group), <application>-<stack>-v000; null once handed to Spinnaker."
  value       = module.web.asg_name
}

output "launch_template_id" {
  description = "Launch template of the web nodes (image, instance profile, security group, IMDSv2, encrypted volume, user data)."
  value       = module.web.launch_template_id
}

output "instance_profile_name" {
  description = "Instance profile of the web nodes (Spinnaker's iamRole)."
  value       = module.web.instance_profile_name
}

output "node_security_group_id" {
  description = "Security group of the web nodes (Spinnaker's securityGroups)."
  value       = module.security_groups.node_id
}

output "node_subnet_ids" {
  description = "Private subnets of the web nodes."
  value       = module.network.node_subnet_ids
}

output "user_data_base64" {
  description = "The nodes' user data, base64, for a Spinnaker deploy stage that does not copy it from the source server group (base64UserData). It holds secret ARNs, never secret values."
  value       = module.web.user_data_base64
}

output "secret_arns" {
  description = "Secrets Manager ARNs: the two application keys, the key ring's certificate, the Redis AUTH token, and each database server's credentials."
  value = {
    audit_hmac_key              = module.keys.audit_hmac_key_secret_arn
    export_pseudonym_key        = module.keys.export_pseudonym_key_secret_arn
    data_protection_certificate = module.keys.data_protection_certificate_secret_arn
    redis_auth_token            = module.cache.auth_token_secret_arn
    database_catalog            = module.database.catalog.secret_arn
    database_shards             = { for shard in module.database.shards : shard.name => shard.secret_arn }
  }
}

output "kms_key_arn" {
  description = "The customer-managed key that encrypts the secrets, databases, cache, export storage, volumes and log."
  value       = module.keys.kms_key_arn
}

output "log_group_name" {
  description = "CloudWatch log group of the portal's log (one stream per instance)."
  value       = module.web.log_group_name
}

output "export_file_system_id" {
  description = "EFS file system mounted at Export:Directory on every node."
  value       = module.exports.file_system_id
}

output "database_endpoints" {
  description = "Host names of the database servers (catalog and shards); credentials are in secret_arns."
  value = merge(
    { catalog = module.database.catalog.host },
    { for shard in module.database.shards : shard.name => shard.host },
  )
}

output "redis_endpoint" {
  description = "Primary endpoint of the Redis replication group (TLS, AUTH)."
  value       = "${module.cache.primary_endpoint_address}:${module.cache.port}"
}
