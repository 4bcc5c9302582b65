variable "name" {
  type        = string
  description = "Name prefix of the alarms and metric filters."
}

variable "log_group_name" {
  type        = string
  description = "Log group of mailgate (HTTP access log and audit log)."
}

variable "lb_arn_suffix" {
  type        = string
  description = "Load balancer ARN suffix (dimension LoadBalancer)."
}

variable "target_groups" {
  type = map(object({
    arn        = string
    arn_suffix = string
  }))
  description = "Target groups by door, for unhealthy-target alarms."
}

variable "cluster_name" {
  type        = string
  description = "ECS cluster (dimension ClusterName)."
}

variable "service_name" {
  type        = string
  description = "ECS service (dimension ServiceName)."
}

variable "db_identifier" {
  type        = string
  description = "RDS instance identifier (dimension DBInstanceIdentifier)."
}

variable "queue_age_metric_enabled" {
  type        = bool
  description = "Whether mailgate_queue_oldest_age_seconds reaches CloudWatch (metrics sidecar)."
}

variable "metrics_namespace" {
  type        = string
  description = "Namespace of mailgate's own metrics."
}

variable "thresholds" {
  type = object({
    api_5xx_per_5min       = number
    auth_failures_per_5min = number
    queue_age_seconds      = number
  })
  description = "Alarm thresholds."
}

variable "alarm_actions" {
  type        = list(string)
  description = "SNS topics notified on ALARM and OK."
}
