//! `modules/ecs-service`: one Fargate service. The code is the same for every service; what
//! differs (a port and load balancer or not, secrets, autoscaling) comes in through variables,
//! and optional parts are `for_each` over a map that is empty when the part is off.

use super::super::common::{name_tags, replaced_create_first};
use crate::hcl::Expr;
use crate::model::Deploy;

/// `merge(var.tags, { Name = <reference> })` for a name that is already an expression.
fn tags_named(reference: &str) -> Expr {
    ex(&format!("merge(var.tags, {{ Name = {reference} }})"))
}
use crate::hcl::{Block, Body, block, data, ex, num, resource, s, strings};

/// `main.tf` of the module for services that `deploy` deploys.
pub fn main(deploy: Deploy) -> Body {
    Body::new()
        .block(data("aws_caller_identity", "current", Body::new()))
        .block(data("aws_partition", "current", Body::new()))
        .block(data("aws_region", "current", Body::new()))
        .block(locals())
        .extend(crate::terraform::render::body(
            &crate::describe::ecs_service::logs_and_roles(),
        ))
        .block(task_definition())
        .extend(security_groups())
        .extend(load_balancer())
        .block(service(deploy))
        .extend(autoscaling())
}

fn locals() -> Block {
    block(
        "locals",
        &[],
        Body::new()
            .attr("name", ex(r#""${var.name}-${var.service}""#))
            .blank()
            .comment("The load balancer keyed by service name, or nothing for a service without one.")
            .attr(
                "load_balancer",
                ex("{ for service, lb in { (var.service) = var.load_balancer } : service => lb if lb != null }"),
            )
            .blank()
            .comment("Listener ports: HTTP, plus HTTPS when the load balancer has a certificate.")
            .attr(
                "listener_ports",
                ex(r#"var.load_balancer == null ? [] : (var.load_balancer.certificate_arn == null ? ["80"] : ["80", "443"])"#),
            )
            .blank()
            .comment("Target utilisation (percent) by metric; a metric without one gets no policy.")
            .attr(
                "scaling_targets",
                ex("{ cpu = var.cpu_target, memory = var.memory_target }"),
            )
            .attr(
                "scaling_policies",
                ex("{ for metric, target in local.scaling_targets : metric => target if target != null }"),
            ),
    )
}

fn task_definition() -> Block {
    resource(
        "aws_ecs_task_definition",
        "this",
        Body::new()
            .attr("family", ex("local.name"))
            .attr("requires_compatibilities", strings(["FARGATE"]))
            .attr("network_mode", s("awsvpc"))
            .attr("cpu", ex("var.cpu"))
            .attr("memory", ex("var.memory"))
            .attr("execution_role_arn", ex("aws_iam_role.execution.arn"))
            .attr("task_role_arn", ex("aws_iam_role.task.arn"))
            .blank()
            .comment("The root filesystem is read-only; these volumes are where the container may write.")
            .block(block(
                "dynamic",
                &["volume"],
                Body::new()
                    .attr("for_each", ex("var.writable_volumes"))
                    .blank()
                    .block(block("content", &[], Body::new().attr("name", ex("volume.key")))),
            ))
            .blank()
            .block(block(
                "runtime_platform",
                &[],
                Body::new()
                    .attr("operating_system_family", s("LINUX"))
                    .attr("cpu_architecture", ex("var.architecture")),
            ))
            .blank()
            .attr(
                "container_definitions",
                ex(r#"jsonencode([{
  name                   = var.service
  image                  = var.image
  essential              = true
  readonlyRootFilesystem = true
  privileged             = false
  command                = length(var.command) == 0 ? null : var.command
  portMappings           = var.port == null ? [] : [{ containerPort = var.port, protocol = "tcp" }]
  environment            = [for name, value in var.environment : { name = name, value = value }]
  secrets                = [for name, arn in var.secrets : { name = name, valueFrom = arn }]
  mountPoints            = [for volume, path in var.writable_volumes : { sourceVolume = volume, containerPath = path, readOnly = false }]
  linuxParameters        = var.exec ? { initProcessEnabled = true } : null
  logConfiguration = {
    logDriver = "awslogs"
    options = {
      "awslogs-group"         = aws_cloudwatch_log_group.this.name
      "awslogs-region"        = data.aws_region.current.region
      "awslogs-stream-prefix" = var.service
    }
  }
}])"#),
            )
            .blank()
            .attr("tags", tags_named("local.name"))
            .blank()
            .block(precondition(
                &super::fargate::hcl_condition(),
                &format!(
                    "cpu and memory must be a Fargate task size: {}.",
                    super::fargate::summary()
                ),
            )),
    )
}

/// `lifecycle { precondition { ... } }`: a rule over several variables.
fn precondition(condition: &str, message: &str) -> Block {
    preconditions(&[(condition, message)])
}

fn preconditions(rules: &[(&str, &str)]) -> Block {
    block(
        "lifecycle",
        &[],
        Body::new().blocks(rules.iter().map(|(condition, message)| {
            block(
                "precondition",
                &[],
                Body::new()
                    .attr("condition", ex(condition))
                    .attr("error_message", s(*message)),
            )
        })),
    )
}

fn security_groups() -> Body {
    let rule = |kind: &str, name: &str, body: Body| resource(kind, name, body);
    Body::new()
        .block(resource(
            "aws_security_group",
            "service",
            Body::new()
                .attr("name_prefix", ex(r#""${local.name}-service-""#))
                .attr("description", s("ECS tasks of one service: traffic from its load balancer only"))
                .attr("vpc_id", ex("var.vpc_id"))
                .blank()
                .attr("tags", name_tags("${local.name}-service"))
                .blank()
                .extend(replaced_create_first()),
        ))
        .block(rule(
            "aws_vpc_security_group_ingress_rule",
            "service_from_load_balancer",
            Body::new()
                // checkov reads a port-80 rule without `cidr_ipv4` as open to the world.
                .comment(
                    "checkov:skip=CKV_AWS_260:Admits only the load balancer's security group (referenced_security_group_id), no CIDR; checkov misreads a rule without cidr_ipv4 on port 80.",
                )
                .attr(
                    "for_each",
                    ex(r#"{ for service, lb in local.load_balancer : service => lb if !contains(var.existing_rules, "service_from_load_balancer[${service}]") }"#),
                )
                .blank()
                .attr("security_group_id", ex("aws_security_group.service.id"))
                .attr("description", s("Container port from the load balancer"))
                .attr("referenced_security_group_id", ex("aws_security_group.load_balancer[each.key].id"))
                .attr("ip_protocol", s("tcp"))
                .attr("from_port", ex("var.port"))
                .attr("to_port", ex("var.port"))
                .blank()
                .attr("tags", name_tags("${local.name}-from-load-balancer")),
        ))
        .block(rule(
            "aws_vpc_security_group_egress_rule",
            "service_https",
            Body::new()
                .comment("checkov:skip=CKV_AWS_382:Tasks call AWS APIs, ECR and third-party services over HTTPS; other egress stays inside the VPC.")
                .attr("count", ex(r#"contains(var.existing_rules, "service_https[0]") ? 0 : 1"#))
                .blank()
                .attr("security_group_id", ex("aws_security_group.service.id"))
                .attr("description", s("HTTPS to AWS APIs, ECR and the internet"))
                .attr("cidr_ipv4", s("0.0.0.0/0"))
                .attr("ip_protocol", s("tcp"))
                .attr("from_port", num(443))
                .attr("to_port", num(443))
                .blank()
                .attr("tags", name_tags("${local.name}-https-out")),
        ))
        .block(rule(
            "aws_vpc_security_group_egress_rule",
            "service_vpc",
            Body::new()
                .attr("count", ex(r#"contains(var.existing_rules, "service_vpc[0]") ? 0 : 1"#))
                .blank()
                .attr("security_group_id", ex("aws_security_group.service.id"))
                .attr("description", s("Anything inside the VPC: databases, DNS, other services"))
                .attr("cidr_ipv4", ex("var.vpc_cidr_block"))
                .attr("ip_protocol", s("-1"))
                .blank()
                .attr("tags", name_tags("${local.name}-vpc-out")),
        ))
}

fn load_balancer() -> Body {
    Body::new()
        .block(resource(
            "aws_security_group",
            "load_balancer",
            Body::new()
                .attr("for_each", ex("local.load_balancer"))
                .blank()
                .attr("name_prefix", ex(r#""${local.name}-alb-""#))
                .attr("description", s("Load balancer of one ECS service: listener ports in, container port out"))
                .attr("vpc_id", ex("var.vpc_id"))
                .blank()
                .attr("tags", name_tags("${local.name}-alb"))
                .blank()
                .extend(replaced_create_first()),
        ))
        .block(resource(
            "aws_vpc_security_group_ingress_rule",
            "load_balancer",
            Body::new()
                .comment("checkov:skip=CKV_AWS_260:An internet-facing load balancer (load_balancer.public) takes HTTP from anywhere; with a certificate HTTP only redirects to HTTPS.")
                .attr(
                    "for_each",
                    ex(r#"toset([for port in local.listener_ports : port if !contains(var.existing_rules, "load_balancer[${port}]")])"#),
                )
                .blank()
                .attr("security_group_id", ex("aws_security_group.load_balancer[var.service].id"))
                .attr("description", ex(r#""Port ${each.value} from the load balancer's clients""#))
                .attr("cidr_ipv4", ex(r#"var.load_balancer.public ? "0.0.0.0/0" : var.vpc_cidr_block"#))
                .attr("ip_protocol", s("tcp"))
                .attr("from_port", ex("each.value"))
                .attr("to_port", ex("each.value"))
                .blank()
                .attr("tags", name_tags("${local.name}-alb-${each.value}")),
        ))
        .block(resource(
            "aws_vpc_security_group_egress_rule",
            "load_balancer_to_service",
            Body::new()
                .attr(
                    "for_each",
                    ex(r#"{ for service, lb in local.load_balancer : service => lb if !contains(var.existing_rules, "load_balancer_to_service[${service}]") }"#),
                )
                .blank()
                .attr("security_group_id", ex("aws_security_group.load_balancer[each.key].id"))
                .attr("description", s("Container port of the service's tasks"))
                .attr("referenced_security_group_id", ex("aws_security_group.service.id"))
                .attr("ip_protocol", s("tcp"))
                .attr("from_port", ex("var.port"))
                .attr("to_port", ex("var.port"))
                .blank()
                .attr("tags", name_tags("${local.name}-alb-to-service")),
        ))
        .block(resource(
            "aws_lb",
            "this",
            Body::new()
                .comment("checkov:skip=CKV_AWS_91:Access logs are on when the spec gives load_balancer.access_logs (a bucket iacgen does not own); request metrics and alarms come from CloudWatch.")
                .comment("checkov:skip=CKV2_AWS_28:A WAF web ACL is not part of the spec; attach one with aws_wafv2_web_acl_association.")
                .comment("checkov:skip=CKV_AWS_150:Deletion protection is on in production-like environments (load_balancer.deletion_protection).")
                .comment("checkov:skip=CKV2_AWS_20:HTTP redirects to HTTPS whenever the spec gives a certificate_arn; without one there is no HTTPS to redirect to.")
                .attr("for_each", ex("local.load_balancer"))
                .blank()
                .attr("name", ex("each.value.name"))
                .attr("load_balancer_type", s("application"))
                .attr("internal", ex("!each.value.public"))
                .attr("subnets", ex("each.value.public ? var.public_subnet_ids : var.private_subnet_ids"))
                .attr("security_groups", ex("[aws_security_group.load_balancer[each.key].id]"))
                .attr("drop_invalid_header_fields", true)
                .attr("enable_deletion_protection", ex("each.value.deletion_protection"))
                .blank()
                .block(block(
                    "dynamic",
                    &["access_logs"],
                    Body::new()
                        .attr("for_each", ex("each.value.access_logs == null ? [] : [each.value.access_logs]"))
                        .blank()
                        .block(block(
                            "content",
                            &[],
                            Body::new()
                                .attr("bucket", ex("access_logs.value.bucket"))
                                .attr("prefix", ex("access_logs.value.prefix"))
                                .attr("enabled", true),
                        )),
                ))
                .blank()
                .attr("tags", tags_named("each.value.name"))
                .blank()
                .block(preconditions(&[
                    ("var.port != null", "A load balancer needs the service's port."),
                    (
                        "length(each.value.public ? var.public_subnet_ids : var.private_subnet_ids) >= 2",
                        "An application load balancer needs subnets in at least two availability zones.",
                    ),
                ])),
        ))
        .block(resource(
            "aws_lb_target_group",
            "this",
            Body::new()
                .comment("checkov:skip=CKV_AWS_378:TLS ends at the load balancer; it reaches the tasks over HTTP inside the VPC, admitted only from its security group.")
                .attr("for_each", ex("local.load_balancer"))
                .blank()
                .attr("name", ex("each.value.target_group_name"))
                .attr("port", ex("var.port"))
                .attr("protocol", s("HTTP"))
                .attr("target_type", s("ip"))
                .attr("vpc_id", ex("var.vpc_id"))
                .attr("deregistration_delay", num(30))
                .blank()
                .block(block(
                    "health_check",
                    &[],
                    Body::new()
                        .attr("path", ex("each.value.health_check_path"))
                        .attr("matcher", s("200-399"))
                        .attr("interval", num(15))
                        .attr("healthy_threshold", num(2))
                        .attr("unhealthy_threshold", num(3)),
                ))
                .blank()
                .attr("tags", tags_named("each.value.target_group_name"))
                .blank()
                .block(block(
                    "lifecycle",
                    &[],
                    Body::new()
                        .comment("A new port or protocol replaces the target group, under a new name (it carries a hash of")
                        .comment("both): the listener moves to the new one before the old one, still in use until then, goes.")
                        .attr("create_before_destroy", true),
                )),
        ))
        .block(resource(
            "aws_lb_listener",
            "http",
            Body::new()
                .comment("checkov:skip=CKV_AWS_2:Plain HTTP only when the spec gives no certificate_arn; with one this listener redirects to HTTPS.")
                .comment("checkov:skip=CKV_AWS_103:TLS applies to the HTTPS listener; this one is plain HTTP or a redirect.")
                .attr("for_each", ex("local.load_balancer"))
                .blank()
                .attr("load_balancer_arn", ex("aws_lb.this[each.key].arn"))
                .attr("port", num(80))
                .attr("protocol", s("HTTP"))
                .blank()
                .comment("Forward to the service, or with a certificate redirect to HTTPS.")
                .block(block(
                    "default_action",
                    &[],
                    Body::new()
                        .attr("type", ex(r#"each.value.certificate_arn == null ? "forward" : "redirect""#))
                        .attr(
                            "target_group_arn",
                            ex("each.value.certificate_arn == null ? aws_lb_target_group.this[each.key].arn : null"),
                        )
                        .blank()
                        .block(block(
                            "dynamic",
                            &["redirect"],
                            Body::new()
                                .attr("for_each", ex(r#"each.value.certificate_arn == null ? [] : ["HTTPS"]"#))
                                .blank()
                                .block(block(
                                    "content",
                                    &[],
                                    Body::new()
                                        .attr("protocol", ex("redirect.value"))
                                        .attr("port", s("443"))
                                        .attr("status_code", s("HTTP_301")),
                                )),
                        )),
                ))
                .blank()
                .attr("tags", name_tags("${local.name}-http")),
        ))
        .block(resource(
            "aws_lb_listener",
            "https",
            Body::new()
                .attr(
                    "for_each",
                    ex("{ for service, lb in local.load_balancer : service => lb if lb.certificate_arn != null }"),
                )
                .blank()
                .attr("load_balancer_arn", ex("aws_lb.this[each.key].arn"))
                .attr("port", num(443))
                .attr("protocol", s("HTTPS"))
                .attr("ssl_policy", s(TLS_POLICY))
                .attr("certificate_arn", ex("each.value.certificate_arn"))
                .blank()
                .block(block(
                    "default_action",
                    &[],
                    Body::new()
                        .attr("type", s("forward"))
                        .attr("target_group_arn", ex("aws_lb_target_group.this[each.key].arn")),
                ))
                .blank()
                .attr("tags", name_tags("${local.name}-https")),
        ))
}

/// TLS 1.3 and 1.2 with forward-secret ciphers only: the ELB policy AWS recommends.
const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

fn service(deploy: Deploy) -> Block {
    let lifecycle = match deploy {
        Deploy::Iacgen => Body::new()
            .comment("Application Auto Scaling owns the running count within min_capacity..max_capacity.")
            .attr("ignore_changes", ex("[desired_count]")),
        Deploy::Pipeline => Body::new()
            .comment("Application Auto Scaling owns the running count within min_capacity..max_capacity; the")
            .comment("application's pipeline owns the task definition revision the service runs (it registers")
            .comment("new revisions and updates the service), so an apply does not roll its deploys back.")
            .attr("ignore_changes", ex("[desired_count, task_definition]")),
    };
    resource(
        "aws_ecs_service",
        "this",
        Body::new()
            .attr("name", ex("local.name"))
            .attr("cluster", ex("var.cluster_arn"))
            .attr("task_definition", ex("aws_ecs_task_definition.this.arn"))
            .attr("desired_count", ex("var.desired_count"))
            .attr("platform_version", s("LATEST"))
            .attr("health_check_grace_period_seconds", ex("var.load_balancer == null ? null : var.health_check_grace_period_seconds"))
            .attr("enable_ecs_managed_tags", true)
            .attr("propagate_tags", s("SERVICE"))
            .attr("enable_execute_command", ex("var.exec"))
            .comment("Apply waits until the deployment settles (the circuit breaker rolls a failing one back) instead of")
            .comment("reporting success while ECS is still replacing tasks.")
            .attr("wait_for_steady_state", true)
            .blank()
            .block(block(
                "capacity_provider_strategy",
                &[],
                Body::new()
                    .attr("capacity_provider", ex("var.capacity_provider"))
                    .attr("weight", num(1)),
            ))
            .blank()
            .block(block(
                "network_configuration",
                &[],
                Body::new()
                    .attr("subnets", ex("var.private_subnet_ids"))
                    .attr("security_groups", ex("[aws_security_group.service.id]"))
                    .attr("assign_public_ip", false),
            ))
            .blank()
            .block(block(
                "deployment_circuit_breaker",
                &[],
                Body::new().attr("enable", true).attr("rollback", true),
            ))
            .blank()
            .block(block(
                "dynamic",
                &["load_balancer"],
                Body::new()
                    .attr("for_each", ex("aws_lb_target_group.this"))
                    .blank()
                    .block(block(
                        "content",
                        &[],
                        Body::new()
                            .attr("target_group_arn", ex("load_balancer.value.arn"))
                            .attr("container_name", ex("var.service"))
                            .attr("container_port", ex("var.port")),
                    )),
            ))
            .blank()
            .attr("tags", tags_named("local.name"))
            .blank()
            .block(block("lifecycle", &[], lifecycle))
            .blank()
            .comment("A target group must belong to a load balancer before a service uses it: through the listener")
            .comment("that forwards to it, HTTP without a certificate, HTTPS with one (HTTP then only redirects).")
            .attr("depends_on", ex("[aws_lb_listener.http, aws_lb_listener.https, aws_iam_role_policy.execution, aws_iam_role_policy.exec]")),
    )
}

/// Every service has a scalable target, so Terraform never sets the running count after the
/// first apply: without autoscaling `min_capacity = max_capacity = desired_count` pins it.
fn autoscaling() -> Body {
    Body::new()
        .block(resource(
            "aws_appautoscaling_target",
            "this",
            Body::new()
                .attr("service_namespace", s("ecs"))
                .attr("scalable_dimension", s("ecs:service:DesiredCount"))
                .attr(
                    "resource_id",
                    ex(r#""service/${var.cluster_name}/${aws_ecs_service.this.name}""#),
                )
                .attr("min_capacity", ex("var.min_capacity"))
                .attr("max_capacity", ex("var.max_capacity"))
                .blank()
                .attr("tags", tags_named("local.name"))
                .blank()
                .block(precondition(
                    "var.min_capacity <= var.desired_count && var.desired_count <= var.max_capacity",
                    "desired_count must be between min_capacity and max_capacity.",
                )),
        ))
        .block(resource(
            "aws_appautoscaling_policy",
            "this",
            Body::new()
                .attr("for_each", ex("local.scaling_policies"))
                .blank()
                .attr("name", ex(r#""${local.name}-${each.key}""#))
                .attr("policy_type", s("TargetTrackingScaling"))
                .attr(
                    "service_namespace",
                    ex("aws_appautoscaling_target.this.service_namespace"),
                )
                .attr(
                    "scalable_dimension",
                    ex("aws_appautoscaling_target.this.scalable_dimension"),
                )
                .attr(
                    "resource_id",
                    ex("aws_appautoscaling_target.this.resource_id"),
                )
                .blank()
                .block(block(
                    "target_tracking_scaling_policy_configuration",
                    &[],
                    Body::new()
                        .attr("target_value", ex("each.value"))
                        .blank()
                        .block(block(
                            "predefined_metric_specification",
                            &[],
                            Body::new().attr(
                                "predefined_metric_type",
                                ex(r#"each.key == "cpu" ? "ECSServiceAverageCPUUtilization" : "ECSServiceAverageMemoryUtilization""#),
                            ),
                        )),
                )),
        ))
}
