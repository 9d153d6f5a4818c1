output "balancer_id" {
  description = "Security group of the balancer."
  value       = aws_security_group.balancer.id
}

output "node_id" {
  description = "Security group of the web nodes."
  value       = aws_security_group.node.id
}

output "database_id" {
  description = "Security group of the SQL Server instances."
  value       = aws_security_group.database.id
}

output "cache_id" {
  description = "Security group of the Redis replication group."
  value       = aws_security_group.cache.id
}

output "exports_id" {
  description = "Security group of the EFS mount targets."
  value       = aws_security_group.exports.id
}
