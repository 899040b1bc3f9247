# A local module called twice, its inputs bound; its output used by a rule of the root module.
module "web" {
  source        = "./modules/sg"
  name          = "web"
  ingress_ports = [80, 443]
  sources       = ["0.0.0.0/0"]
}

module "ssh" {
  source        = "./modules/sg"
  name          = "ssh"
  ingress_ports = [22]
  sources       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "web_to_ssh" {
  type                     = "egress"
  security_group_id        = module.web.id
  source_security_group_id = module.ssh.id
  from_port                = 22
  to_port                  = 22
  protocol                 = "tcp"
  description              = "deployments"
}
