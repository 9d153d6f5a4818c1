output "dns_name" {
  description = "DNS name of the balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the balancer's DNS name."
  value       = aws_lb.this.zone_id
}

output "target_group_arn" {
  description = "Target group of the web nodes."
  value       = aws_lb_target_group.web.arn
}

output "target_group_name" {
  description = "Name of the target group of the web nodes."
  value       = aws_lb_target_group.web.name
}
