# count and for_each over known collections: one group per instance, addressed [0] and ["key"].
variable "services" {
  default = {
    api   = 8443
    admin = 9000
  }
}

resource "aws_security_group" "service" {
  for_each    = var.services
  name        = "svc-${each.key}"
  description = "service ${each.key}"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description = "clients of ${each.key}"
    from_port   = each.value
    to_port     = each.value
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  egress = []
}

resource "aws_security_group" "worker" {
  count       = 2
  name        = "worker-${count.index}"
  description = "worker ${count.index}"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_security_group_rule" "worker_from_api" {
  count                    = length(aws_security_group.worker)
  type                     = "ingress"
  security_group_id        = aws_security_group.worker[count.index].id
  source_security_group_id = aws_security_group.service["api"].id
  from_port                = 7000 + count.index
  to_port                  = 7000 + count.index
  protocol                 = "tcp"
  description              = "jobs from the API"
}

resource "aws_security_group_rule" "worker_egress" {
  for_each          = { for i, w in aws_security_group.worker : w.name => i }
  type              = "egress"
  security_group_id = aws_security_group.worker[each.value].id
  cidr_blocks       = ["0.0.0.0/0"]
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  description       = "updates for ${each.key}"
}
