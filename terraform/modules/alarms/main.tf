# Alarms: API 5xx and authentication failures come from the logs (HTTP access log, audit log lines
# "type=auth.failure"), queue age from mailgate's own metric, the rest from AWS metrics.

resource "aws_cloudwatch_log_metric_filter" "api_5xx" {
  name           = "${var.name}-api-5xx"
  log_group_name = var.log_group_name
  # QUARKUS_HTTP_ACCESS_LOG_PATTERN starts with "http-access status=%s" (root module); status=5 is any 5xx.
  pattern = "\"http-access status=5\""

  metric_transformation {
    name          = "Api5xx"
    namespace     = "${var.metrics_namespace}/logs"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_log_metric_filter" "auth_failures" {
  name           = "${var.name}-auth-failures"
  log_group_name = var.log_group_name
  pattern        = "\"type=auth.failure\""

  metric_transformation {
    name          = "AuthFailures"
    namespace     = "${var.metrics_namespace}/logs"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.name}-api-5xx"
  alarm_description   = "The HTTPS API answered with 5xx (503 = store unavailable) more than expected."
  namespace           = "${var.metrics_namespace}/logs"
  metric_name         = aws_cloudwatch_log_metric_filter.api_5xx.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.thresholds.api_5xx_per_5min
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "auth_failures" {
  alarm_name          = "${var.name}-auth-failures"
  alarm_description   = "Many failed SMTP/API authentications: password spraying, or Keycloak trouble."
  namespace           = "${var.metrics_namespace}/logs"
  metric_name         = aws_cloudwatch_log_metric_filter.auth_failures.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.thresholds.auth_failures_per_5min
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "queue_age" {
  count = var.queue_age_metric_enabled ? 1 : 0

  alarm_name          = "${var.name}-queue-age"
  alarm_description   = "The oldest undelivered message has waited too long: delivery is stuck (port 25 blocked? DNS?)."
  namespace           = var.metrics_namespace
  metric_name         = "mailgate_queue_oldest_age_seconds"
  dimensions          = { "service.name" = "mailgate" }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.thresholds.queue_age_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_targets" {
  for_each = var.target_groups

  alarm_name          = "${var.name}-unhealthy-${each.key}"
  alarm_description   = "Targets of ${each.key} fail /q/health/ready (database, Keycloak keys or SMTP listeners)."
  namespace           = "AWS/NetworkELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.lb_arn_suffix, TargetGroup = each.value.arn_suffix }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "service_cpu" {
  alarm_name          = "${var.name}-cpu-high"
  alarm_description   = "mailgate tasks run hot although autoscaling should add tasks (max_count reached?)."
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = { ClusterName = var.cluster_name, ServiceName = var.service_name }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "${var.name}-db-cpu-high"
  alarm_description   = "PostgreSQL CPU high: every 250 waits for a commit here."
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = { DBInstanceIdentifier = var.db_identifier }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 85
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "db_storage" {
  alarm_name          = "${var.name}-db-storage-low"
  alarm_description   = "PostgreSQL free storage below 5 GiB: queued messages keep their bytes in the database."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = var.db_identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5368709120
  comparison_operator = "LessThanThreshold"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}
