# mailgate on AWS ECS Fargate: NLB (465/587 TCP to mailgate, which terminates TLS itself; 443 TLS for the
# API) -> ECS service in private subnets -> RDS PostgreSQL; CloudWatch logs and alarms. See README.md.

locals {
  helo_name = coalesce(var.delivery.helo_name, var.smtp_hostname)

  # The SPEC configuration contract as environment variables (mailgate.smtp.submission-port <=>
  # MAILGATE_SMTP_SUBMISSION_PORT). File paths (TLS, DKIM) are added by the service module.
  environment = merge(
    {
      MAILGATE_SMTP_HOSTNAME                 = var.smtp_hostname
      MAILGATE_SMTP_BIND                     = "0.0.0.0"
      MAILGATE_SMTP_SUBMISSION_PORT          = tostring(var.container_ports.submission)
      MAILGATE_SMTP_SUBMISSIONS_PORT         = tostring(var.container_ports.submissions)
      MAILGATE_SMTP_PROXY_PROTOCOL           = tostring(var.proxy_protocol)
      QUARKUS_HTTP_PORT                      = tostring(var.container_ports.http)
      QUARKUS_OIDC_AUTH_SERVER_URL           = var.keycloak_realm_url
      QUARKUS_OIDC_CLIENT_ID                 = var.oidc_client_id
      MAILGATE_AUTH_AUDIENCE                 = var.auth_audience
      MAILGATE_AUTH_SEND_ROLE                = var.auth_send_role
      MAILGATE_AUTH_SENDERS_CLAIM            = var.auth_senders_claim
      MAILGATE_LIMITS_MAX_MESSAGE_SIZE       = tostring(var.limits.max_message_size)
      MAILGATE_LIMITS_RECIPIENTS_PER_MESSAGE = tostring(var.limits.recipients_per_message)
      MAILGATE_LIMITS_MESSAGES_PER_MINUTE    = tostring(var.limits.messages_per_minute)
      MAILGATE_LIMITS_AUTH_FAILURES          = tostring(var.limits.auth_failures)
      QUARKUS_DATASOURCE_REACTIVE_URL        = "postgresql://${module.database.endpoint}:${module.database.port}/${module.database.database_name}?sslmode=require"
      QUARKUS_DATASOURCE_USERNAME            = module.database.username
      # rds.force_ssl=1: encrypted inside the VPC; pin the RDS CA with QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS to verify it.
      QUARKUS_DATASOURCE_REACTIVE_TRUST_ALL = "true"
      MAILGATE_DELIVERY_MODE                = var.delivery.mode
      MAILGATE_DELIVERY_PORT                = "25"
      MAILGATE_DELIVERY_TLS                 = var.delivery.tls
      MAILGATE_DELIVERY_HELO_NAME           = local.helo_name
      QUARKUS_HTTP_ACCESS_LOG_ENABLED       = "true"
      QUARKUS_HTTP_ACCESS_LOG_PATTERN       = "http-access status=%s method=%m path=%U duration_ms=%D client=%h"
    },
    length(var.delivery.dns_servers) > 0 ? { MAILGATE_DELIVERY_DNS_SERVERS = join(",", var.delivery.dns_servers) } : {},
    var.extra_environment,
  )

  secrets = {
    QUARKUS_DATASOURCE_PASSWORD     = "${module.database.password_secret_arn}:password::"
    QUARKUS_OIDC_CREDENTIALS_SECRET = var.oidc_client_secret_arn
  }
}

module "network" {
  source = "./modules/network"

  name                      = var.name
  vpc_id                    = var.vpc_id
  container_ports           = var.container_ports
  allowed_client_cidrs      = var.allowed_client_cidrs
  allowed_client_ipv6_cidrs = var.allowed_client_ipv6_cidrs
  enable_ipv6               = var.enable_ipv6
  dns_resolver_cidrs        = var.dns_resolver_cidrs
  extra_egress_tcp_ports    = var.extra_egress_tcp_ports
}

module "load_balancer" {
  source = "./modules/load_balancer"

  name                = var.name
  vpc_id              = var.vpc_id
  subnet_ids          = var.public_subnet_ids
  security_group_ids  = [module.network.lb_security_group_id]
  enable_ipv6         = var.enable_ipv6
  container_ports     = var.container_ports
  proxy_protocol      = var.proxy_protocol
  api_certificate_arn = var.api_certificate_arn
}

module "database" {
  source = "./modules/database"

  name                  = var.name
  subnet_ids            = var.private_subnet_ids
  security_group_ids    = [module.network.db_security_group_id]
  instance_class        = var.db_instance_class
  engine_version        = var.db_engine_version
  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  multi_az              = var.db_multi_az
  backup_retention_days = var.db_backup_retention_days
  deletion_protection   = var.db_deletion_protection
  kms_key_arn           = var.db_kms_key_arn
}

module "service" {
  source = "./modules/service"

  name                        = var.name
  region                      = var.region
  image                       = var.image
  cpu_architecture            = var.cpu_architecture
  task_cpu                    = var.task_cpu
  task_memory                 = var.task_memory
  desired_count               = var.desired_count
  min_count                   = var.min_count
  max_count                   = var.max_count
  cpu_target_percent          = var.cpu_target_percent
  connections_target_per_task = var.connections_target_per_task
  subnet_ids                  = var.assign_public_ip ? var.public_subnet_ids : var.private_subnet_ids
  security_group_ids          = [module.network.task_security_group_id]
  assign_public_ip            = var.assign_public_ip
  container_ports             = var.container_ports
  target_groups               = module.load_balancer.target_groups
  lb_arn_suffix               = module.load_balancer.arn_suffix
  environment                 = local.environment
  secrets                     = local.secrets
  tls_secret_arn              = var.tls_secret_arn
  dkim_keys                   = { for k, v in var.dkim_keys : k => v.secret_arn }
  init_image                  = var.init_image
  metrics_collector_image     = var.metrics_collector_image
  log_retention_days          = var.log_retention_days
}

module "alarms" {
  source = "./modules/alarms"

  name                     = var.name
  log_group_name           = module.service.log_group_name
  lb_arn_suffix            = module.load_balancer.arn_suffix
  target_groups            = module.load_balancer.target_groups
  cluster_name             = module.service.cluster_name
  service_name             = module.service.service_name
  db_identifier            = module.database.identifier
  queue_age_metric_enabled = module.service.metrics_enabled
  metrics_namespace        = module.service.metrics_namespace
  thresholds = {
    api_5xx_per_5min       = var.alarm_thresholds.api_5xx_per_5min
    auth_failures_per_5min = var.alarm_thresholds.auth_failures_per_5min
    queue_age_seconds      = var.alarm_thresholds.queue_age_seconds
  }
  alarm_actions = var.alarm_actions
}

# Optional: the service's own name as alias records in Route 53 (SRV/TXT records are outputs to publish,
# because mail domains often live in other zones or at other DNS providers).
resource "aws_route53_record" "smtp_a" {
  count = var.route53_zone_id == null ? 0 : 1

  zone_id = var.route53_zone_id
  name    = var.smtp_hostname
  type    = "A"

  alias {
    name                   = module.load_balancer.dns_name
    zone_id                = module.load_balancer.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "smtp_aaaa" {
  count = var.route53_zone_id != null && var.enable_ipv6 ? 1 : 0

  zone_id = var.route53_zone_id
  name    = var.smtp_hostname
  type    = "AAAA"

  alias {
    name                   = module.load_balancer.dns_name
    zone_id                = module.load_balancer.zone_id
    evaluate_target_health = true
  }
}
