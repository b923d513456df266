# The topology localstack/benchmark.py builds with ecsnet (its topology_toml()), as Terraform writes it: an internal
# ALB with its security group, an empty default target group behind an HTTP :80 listener, per service a target group,
# a host-header rule, an ingress rule on the tasks group from the load balancer's group, and a CNAME in a private
# hosted zone of the VPC. Settings are ecsnet's (src/plan/desired.rs, src/topology/mod.rs defaults).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

# --- the load balancer's security group: 80 and 443 in from the VPC, everything out to the VPC ---------------------

resource "aws_security_group" "lb" {
  name        = "${var.name}-lb"
  description = "load balancer ${var.name}"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-lb" }
}

resource "aws_vpc_security_group_ingress_rule" "lb" {
  for_each          = toset(["80", "443"])
  security_group_id = aws_security_group.lb.id
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_vpc_security_group_egress_rule" "lb" {
  security_group_id = aws_security_group.lb.id
  ip_protocol       = "-1"
  cidr_ipv4         = var.vpc_cidr
}

# --- target groups --------------------------------------------------------------------------------------------------

resource "aws_lb_target_group" "default" {
  name        = "${var.name}-default"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id
  health_check {
    protocol            = "HTTP"
    path                = "/"
    port                = "traffic-port"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 5
    unhealthy_threshold = 2
    matcher             = "200"
  }
}

resource "aws_lb_target_group" "service" {
  for_each    = var.services
  name        = "${var.name}-${each.key}"
  port        = var.service_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id
  health_check {
    protocol            = "HTTP"
    path                = each.value.health_check_path
    port                = "traffic-port"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
    matcher             = "200"
  }
}

# --- the load balancer, its listener and one host-header rule per service -------------------------------------------

resource "aws_lb" "this" {
  name               = var.name
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.lb.id]
  subnets            = var.subnet_ids
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.default.arn
  }
}

resource "aws_lb_listener_rule" "service" {
  for_each     = var.services
  listener_arn = aws_lb_listener.http.arn
  priority     = each.value.priority
  condition {
    host_header {
      values = [each.value.host]
    }
  }
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.service[each.key].arn
  }
}

# --- each service's tasks group takes the service port from the load balancer's group --------------------------------

resource "aws_vpc_security_group_ingress_rule" "service" {
  for_each                     = var.services
  security_group_id            = each.value.security_group
  ip_protocol                  = "tcp"
  from_port                    = var.service_port
  to_port                      = var.service_port
  referenced_security_group_id = aws_security_group.lb.id
}

# --- a private hosted zone of the VPC, one CNAME per service to the load balancer -----------------------------------

resource "aws_route53_zone" "this" {
  name = "${var.name}.internal"
  vpc {
    vpc_id = var.vpc_id
  }
  # moto 5.2.5 makes a zone private only when HostedZoneConfig.PrivateZone is true, which the provider does not send
  # (AWS infers it from the VPC): moto's zone is public and GetHostedZone lists no VPC. Without this every plan would
  # re-associate the VPC (and moto refuses it: PublicZoneVPCAssociation). The requests are the same either way.
  lifecycle {
    ignore_changes = [vpc]
  }
}

resource "aws_route53_record" "service" {
  for_each = var.services
  zone_id  = aws_route53_zone.this.zone_id
  name     = each.value.host
  type     = "CNAME"
  ttl      = var.dns_ttl
  records  = [aws_lb.this.dns_name]
}
