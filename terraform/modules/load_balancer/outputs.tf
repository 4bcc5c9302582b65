output "dns_name" {
  description = "DNS name of the Network Load Balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 zone id of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension LoadBalancer)."
  value       = aws_lb.this.arn_suffix
}

output "target_groups" {
  description = "Target groups by door (submission = 587, submissions = 465, api = 443): ARN and ARN suffix (CloudWatch dimension TargetGroup)."
  value = merge(
    { for k, tg in aws_lb_target_group.smtp : k => { arn = tg.arn, arn_suffix = tg.arn_suffix } },
    { api = { arn = aws_lb_target_group.api.arn, arn_suffix = aws_lb_target_group.api.arn_suffix } },
  )
}
