# Instances and network interfaces carry groups; a managed prefix list gives its entries.
resource "aws_ec2_managed_prefix_list" "office" {
  name           = "office"
  address_family = "IPv4"
  max_entries    = 5

  entry {
    cidr        = "198.51.100.0/24"
    description = "head office"
  }
}

resource "aws_ec2_managed_prefix_list_entry" "branch" {
  prefix_list_id = aws_ec2_managed_prefix_list.office.id
  cidr           = "203.0.113.0/24"
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH bastion"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description     = "SSH from the offices"
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    prefix_list_ids = [aws_ec2_managed_prefix_list.office.id]
  }
  egress = []
}

resource "aws_instance" "bastion" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = "subnet-0123456789abcdef0"
  private_ip             = "10.0.1.10"
  vpc_security_group_ids = [aws_security_group.bastion.id]
}

resource "aws_network_interface" "spare" {
  subnet_id       = "subnet-0123456789abcdef0"
  private_ips     = ["10.0.1.11"]
  security_groups = [aws_security_group.bastion.id]
}
