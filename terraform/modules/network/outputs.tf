output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnets (the balancer)."
  value       = aws_subnet.public[*].id
}

output "public_subnet_cidrs" {
  description = "Ranges of the public subnets: the balancer's addresses, from which the portal honours forwarded headers."
  value       = aws_subnet.public[*].cidr_block
}

output "node_subnet_ids" {
  description = "Private subnets of the web nodes."
  value       = aws_subnet.node[*].id
}

output "data_subnet_ids" {
  description = "Private subnets of the databases, the cache and the EFS mount targets."
  value       = aws_subnet.data[*].id
}
