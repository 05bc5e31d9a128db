//! Model → Terraform repository (`modules/` and `environments/`).
