output "load_balancer_dns_name" {
  value = aws_lb.this.dns_name
}

output "zone_id" {
  value = aws_route53_zone.this.zone_id
}
