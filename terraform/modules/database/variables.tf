variable "name" {
  type        = string
  description = "Identifier prefix of the database."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the DB subnet group."
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the database."
}

variable "instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL version."
}

variable "allocated_storage" {
  type        = number
  description = "Initial storage in GiB."
}

variable "max_allocated_storage" {
  type        = number
  description = "Storage autoscaling limit in GiB."
}

variable "multi_az" {
  type        = bool
  description = "Multi-AZ deployment."
}

variable "backup_retention_days" {
  type        = number
  description = "Automated backup retention in days."
}

variable "deletion_protection" {
  type        = bool
  description = "Deletion protection (also takes a final snapshot on destroy)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for storage encryption; null uses the AWS managed key."
  default     = null
}

variable "database_name" {
  type        = string
  description = "Database mailgate uses."
  default     = "mailgate"
}

variable "username" {
  type        = string
  description = "Master user name; its password is generated and kept in Secrets Manager by RDS."
  default     = "mailgate"
}
