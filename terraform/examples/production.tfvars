# terraform apply -var-file=examples/production.tfvars
# Every ARN/id below is a placeholder: create the secrets first (see ../README.md, "Before apply").

region = "eu-central-1"
name   = "mailgate"
tags = {
  Environment = "production"
  Owner       = "mail-team"
}

vpc_id             = "vpc-0a1b2c3d4e5f67890"
public_subnet_ids  = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f", "subnet-0fff5555aaaa6666b"]
private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210", "subnet-0a0b0c0d0e0f01020"]
enable_ipv6        = false
egress_ips         = ["203.0.113.25"] # the NAT gateway's Elastic IP

image            = "ghcr.io/example/mailgate:1.0.0"
cpu_architecture = "X86_64"
task_cpu         = 512
task_memory      = 1024
desired_count    = 2
min_count        = 2
max_count        = 12

smtp_hostname       = "smtp.example.com"
mail_domains        = ["example.com", "example.org"]
api_certificate_arn = "arn:aws:acm:eu-central-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
tls_secret_arn      = "arn:aws:secretsmanager:eu-central-1:111122223333:secret:mailgate/smtp-tls-AbCdEf"
proxy_protocol      = true

dkim_keys = {
  "mg2026._domainkey.example.com" = {
    secret_arn = "arn:aws:secretsmanager:eu-central-1:111122223333:secret:mailgate/dkim/mg2026-example-com-GhIjKl"
    public_key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAexamplepublickeyreplacewiththerealoneexamplepublickeyreplacewiththerealone"
  }
}

keycloak_realm_url     = "https://sso.example.com/realms/mail"
oidc_client_id         = "mailgate"
oidc_client_secret_arn = "arn:aws:secretsmanager:eu-central-1:111122223333:secret:mailgate/oidc-client-MnOpQr"

limits = {
  max_message_size    = 26214400
  messages_per_minute = 120
}

delivery = {
  mode = "mx"
  tls  = "opportunistic"
}

db_instance_class        = "db.t4g.medium"
db_engine_version        = "16"
db_allocated_storage     = 50
db_max_allocated_storage = 500
db_multi_az              = true
db_backup_retention_days = 14
db_deletion_protection   = true

log_retention_days = 90
alarm_actions      = ["arn:aws:sns:eu-central-1:111122223333:mail-oncall"]
alarm_thresholds = {
  queue_age_seconds = 3600
}
route53_zone_id = "Z0123456789ABCDEFGHIJ"
