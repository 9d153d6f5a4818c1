# The Application Load Balancer: it ends TLS (ARCHITECTURE.md section 11), redirects HTTP to HTTPS, and keeps each
# browser on one node (Blazor Server circuits live on one node; the balancer's lb_cookie keeps the tab's requests
# and its WebSocket there). The idle timeout is long because a circuit's WebSocket stays open as long as the tab;
# the deregistration delay lets a leaving node's in-flight requests finish (the service stops within 45 s).

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  subnets            = var.subnet_ids
  security_groups    = [var.security_group_id]

  idle_timeout               = var.idle_timeout_seconds
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "defensive"
  enable_http2               = true
  enable_deletion_protection = var.deletion_protection

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]

    content {
      bucket  = access_logs.value
      prefix  = var.name
      enabled = true
    }
  }

  tags = {
    Name = var.name
  }
}

resource "aws_lb_target_group" "web" {
  name                 = "${var.name}-web"
  vpc_id               = var.vpc_id
  target_type          = "instance"
  port                 = 8080
  protocol             = "HTTP"
  protocol_version     = "HTTP1"
  deregistration_delay = var.deregistration_delay_seconds

  stickiness {
    type            = "lb_cookie"
    enabled         = true
    cookie_duration = var.stickiness_seconds
  }

  # Ready means the catalog and the shards answer (a shard that is down only degrades it: every node shares the
  # same shards, so taking nodes out would not help; decision 0009).
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/health/ready"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = {
    Name = "${var.name}-web"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  # HSTS comes from the portal itself (a year), so the listener does not rewrite it.
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}
