#!/usr/bin/env python3
"""scale-spec.py N: a platform spec of N ECS services in 3 environments, on standard output.

Every service has an internal load balancer, a secret of its own (so alarms, dashboard
widgets, secrets and their policies all grow with N). scripts/scale-bench.sh measures iacgen
on these specs; the README's scaling table comes from it.
"""
import sys
n=int(sys.argv[1])
print("""version: 1
project: scale
region: eu-west-1
environments:
  dev: { account_id: "111111111111" }
  staging: { account_id: "222222222222" }
  prod: { account_id: "333333333333" }
network:
  cidr: { dev: 10.0.0.0/16, staging: 10.1.0.0/16, prod: 10.2.0.0/16 }
  az_count: 2
  subnets:
    public: { prefix: 24 }
    private: { prefix: 20 }
observability:
  alarm_emails: [oncall@example.com]
secrets:""")
for i in range(n):
    print(f"  s{i:04}-db: {{ description: Database password of s{i:04} }}")
print("ecs:\n  services:")
for i in range(n):
    print(f"""    s{i:04}:
      image: public.ecr.aws/example/s{i:04}:1.0.0
      cpu: 256
      memory: 512
      port: 8080
      load_balancer: {{ public: false, health_check_path: /healthz }}
      secrets: [s{i:04}-db]""")
