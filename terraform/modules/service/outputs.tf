output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "log_group_name" {
  description = "CloudWatch log group of mailgate (application and audit log)."
  value       = aws_cloudwatch_log_group.app.name
}

output "metrics_enabled" {
  description = "Whether the metrics sidecar publishes mailgate_* metrics to CloudWatch."
  value       = local.collector_enabled
}

output "metrics_namespace" {
  description = "CloudWatch namespace of mailgate's own metrics."
  value       = var.metrics_namespace
}
