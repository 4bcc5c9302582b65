# One Network Load Balancer for all three doors. 465 and 587 are plain TCP: mailgate terminates TLS
# itself (STARTTLS on 587 happens inside the SMTP session and cannot be offloaded). 443 is a TLS listener
# with an ACM certificate in front of mailgate's HTTP port. Every target group checks /q/health/ready on
# the HTTP port, so a task that lost its database or Keycloak keys stops getting new connections.

locals {
  smtp_doors = {
    submissions = { listener_port = 465, target_port = var.container_ports.submissions }
    submission  = { listener_port = 587, target_port = var.container_ports.submission }
  }
}

resource "aws_lb" "this" {
  name                             = "${var.name}-nlb"
  load_balancer_type               = "network"
  internal                         = false
  subnets                          = var.subnet_ids
  security_groups                  = var.security_group_ids
  ip_address_type                  = var.enable_ipv6 ? "dualstack" : "ipv4"
  enable_cross_zone_load_balancing = true
}

resource "aws_lb_target_group" "smtp" {
  for_each = local.smtp_doors

  name                 = "${var.name}-${each.value.listener_port}"
  vpc_id               = var.vpc_id
  target_type          = "ip"
  protocol             = "TCP"
  port                 = each.value.target_port
  proxy_protocol_v2    = var.proxy_protocol
  deregistration_delay = 120

  health_check {
    protocol            = "HTTP"
    port                = tostring(var.container_ports.http)
    path                = var.health_check_path
    matcher             = "200"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "api" {
  name                 = "${var.name}-443"
  vpc_id               = var.vpc_id
  target_type          = "ip"
  protocol             = "TCP"
  port                 = var.container_ports.http
  deregistration_delay = 30

  health_check {
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = var.health_check_path
    matcher             = "200"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "smtp" {
  for_each = local.smtp_doors

  load_balancer_arn = aws_lb.this.arn
  port              = each.value.listener_port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.smtp[each.key].arn
  }
}

resource "aws_lb_listener" "api" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "TLS"
  certificate_arn   = var.api_certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  alpn_policy       = "HTTP1Only"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}
