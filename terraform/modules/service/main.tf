# The ECS Fargate service: one task = a short-lived init container that writes the TLS and DKIM secrets
# to files (mailgate's contract takes file paths), mailgate itself, and optionally an ADOT collector that
# turns /q/metrics into CloudWatch metrics (queue age alarm).

locals {
  secrets_dir = "/run/mailgate"

  dkim_files = { for i, k in sort(keys(var.dkim_keys)) : "DKIM_KEY_${i}" => { file = "${local.secrets_dir}/dkim/${k}.pem", arn = var.dkim_keys[k] } }

  init_script = join("\n", concat(
    [
      "set -eu",
      "umask 077",
      "mkdir -p ${local.secrets_dir}/tls ${local.secrets_dir}/dkim",
      "printf '%s\\n' \"$TLS_CERT\" > ${local.secrets_dir}/tls/cert.pem",
      "printf '%s\\n' \"$TLS_KEY\" > ${local.secrets_dir}/tls/key.pem",
    ],
    [for env, d in local.dkim_files : "printf '%s\\n' \"$${env}\" > '${d.file}'"],
    ["chown -R ${var.app_uid} ${local.secrets_dir}"],
  ))

  file_environment = merge(
    {
      MAILGATE_TLS_CERT = "${local.secrets_dir}/tls/cert.pem"
      MAILGATE_TLS_KEY  = "${local.secrets_dir}/tls/key.pem"
    },
    length(var.dkim_keys) > 0 ? { MAILGATE_DKIM_KEYS = "${local.secrets_dir}/dkim" } : {},
  )

  log_configuration = {
    logDriver = "awslogs"
    options = {
      awslogs-group         = aws_cloudwatch_log_group.app.name
      awslogs-region        = var.region
      awslogs-stream-prefix = "mailgate"
    }
  }

  collector_enabled = var.metrics_collector_image != ""

  collector_config = {
    receivers = {
      prometheus = {
        config = {
          scrape_configs = [{
            job_name        = "mailgate"
            scrape_interval = "60s"
            metrics_path    = "/q/metrics"
            static_configs  = [{ targets = ["localhost:${var.container_ports.http}"] }]
          }]
        }
      }
    }
    exporters = {
      awsemf = {
        namespace                        = var.metrics_namespace
        log_group_name                   = aws_cloudwatch_log_group.metrics.name
        dimension_rollup_option          = "NoDimensionRollup"
        resource_to_telemetry_conversion = { enabled = true }
        metric_declarations = [{
          dimensions            = [["service.name"]]
          metric_name_selectors = ["^mailgate_.*"]
        }]
      }
    }
    service = {
      pipelines = {
        metrics = { receivers = ["prometheus"], exporters = ["awsemf"] }
      }
    }
  }

  init_container = {
    name      = "secrets-init"
    image     = var.init_image
    essential = false
    command   = ["sh", "-c", local.init_script]
    secrets = concat(
      [
        { name = "TLS_CERT", valueFrom = "${var.tls_secret_arn}:cert::" },
        { name = "TLS_KEY", valueFrom = "${var.tls_secret_arn}:key::" },
      ],
      [for env, d in local.dkim_files : { name = env, valueFrom = d.arn }],
    )
    mountPoints      = [{ sourceVolume = "secrets", containerPath = local.secrets_dir, readOnly = false }]
    logConfiguration = local.log_configuration
  }

  app_container = {
    name      = "mailgate"
    image     = var.image
    essential = true
    portMappings = [
      { name = "submission", containerPort = var.container_ports.submission, protocol = "tcp" },
      { name = "submissions", containerPort = var.container_ports.submissions, protocol = "tcp" },
      { name = "http", containerPort = var.container_ports.http, protocol = "tcp" },
    ]
    environment      = [for k, v in merge(var.environment, local.file_environment) : { name = k, value = v }]
    secrets          = [for k, v in var.secrets : { name = k, valueFrom = v }]
    mountPoints      = [{ sourceVolume = "secrets", containerPath = local.secrets_dir, readOnly = true }]
    dependsOn        = [{ containerName = "secrets-init", condition = "SUCCESS" }]
    stopTimeout      = 120
    ulimits          = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
    logConfiguration = local.log_configuration
  }

  collector_container = {
    name      = "metrics"
    image     = var.metrics_collector_image
    essential = false
    environment = [
      { name = "AOT_CONFIG_CONTENT", value = yamlencode(local.collector_config) },
    ]
    dependsOn        = [{ containerName = "mailgate", condition = "START" }]
    logConfiguration = local.log_configuration
  }

  containers = concat([local.init_container, local.app_container], local.collector_enabled ? [local.collector_container] : [])

  secret_arns = distinct(concat(
    [var.tls_secret_arn],
    values(var.dkim_keys),
    [for v in values(var.secrets) : join(":", slice(split(":", v), 0, 7))],
  ))

  doors = { submission = "submission", submissions = "submissions", api = "http" }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_group" "metrics" {
  name              = "/ecs/${var.name}/metrics"
  retention_in_days = 14
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  # RunningTaskCount (connections-per-task scaling) comes from Container Insights.
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "read_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.secret_arns
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.metrics.arn}:*"]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "metrics"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode(local.containers)

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "secrets"
  }
}

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.this.arn
  desired_count                     = var.desired_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = 60
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  dynamic "load_balancer" {
    for_each = local.doors
    content {
      target_group_arn = var.target_groups[load_balancer.key].arn
      container_name   = "mailgate"
      container_port   = var.container_ports[load_balancer.value]
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# Open SMTP connections per task: NLB active flows of both SMTP target groups / running tasks.
resource "aws_appautoscaling_policy" "connections" {
  name               = "${var.name}-connections"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.connections_target_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      metrics {
        id          = "submission"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = "AWS/NetworkELB"
            metric_name = "ActiveFlowCount_TCP"
            dimensions {
              name  = "LoadBalancer"
              value = var.lb_arn_suffix
            }
            dimensions {
              name  = "TargetGroup"
              value = var.target_groups["submission"].arn_suffix
            }
          }
        }
      }

      metrics {
        id          = "submissions"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = "AWS/NetworkELB"
            metric_name = "ActiveFlowCount_TCP"
            dimensions {
              name  = "LoadBalancer"
              value = var.lb_arn_suffix
            }
            dimensions {
              name  = "TargetGroup"
              value = var.target_groups["submissions"].arn_suffix
            }
          }
        }
      }

      metrics {
        id          = "tasks"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"
            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }
            dimensions {
              name  = "ServiceName"
              value = aws_ecs_service.this.name
            }
          }
        }
      }

      metrics {
        id          = "per_task"
        label       = "SMTP connections per task"
        expression  = "(submission + submissions) / tasks"
        return_data = true
      }
    }
  }
}
