#!/usr/bin/env bash
# Jenkins job "medicalportal-migrate", started by the pipeline's "Migrate databases (...)" stages.
# Runs `MedicalPortal.Web migrate` once, through AWS Systems Manager Run Command, on the one-node migration server group
# that the stage before it started from the new image: that node has the environment's settings (the launch template's
# user data wrote /etc/medicalportal/portal.env), its instance role and its network, and no traffic (no target group).
# The job's own AWS identity needs only: autoscaling:DescribeAutoScalingGroups, ssm:DescribeInstanceInformation,
# ssm:SendCommand (document AWS-RunShellScript, instances tagged aws:autoscaling:groupName = *-migrate-v*),
# ssm:GetCommandInvocation. It never sees a database password.
#
# Parameters (Jenkins string parameters, passed by the stage): REGION, SERVER_GROUP (the migration node's ASG).
# Exit code: 0 when migrate exited 0 on the node, 1 otherwise.
set -euo pipefail

: "${REGION:?REGION is required}"
: "${SERVER_GROUP:?SERVER_GROUP (server group of the migration node) is required}"
[[ $SERVER_GROUP == *-migrate-v[0-9][0-9][0-9] ]] ||
  { echo "refusing: ${SERVER_GROUP} is not a migration node server group (<app>-<stack>-migrate-vNNN)" >&2; exit 1; }
export AWS_DEFAULT_REGION="$REGION"
readonly wait_seconds="${WAIT_SECONDS:-900}"
readonly migrate_timeout_seconds="${MIGRATE_TIMEOUT_SECONDS:-3600}"

instances=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "$SERVER_GROUP" \
  --query "AutoScalingGroups[0].Instances[?LifecycleState=='InService'].InstanceId" --output text)
read -r -a instance_ids <<<"$instances"
if [[ ${#instance_ids[@]} -ne 1 || ${instance_ids[0]} == None ]]; then
  echo "expected exactly one InService instance in ${SERVER_GROUP}, found: ${instances:-none}" >&2
  exit 1
fi
instance_id=${instance_ids[0]}
echo "migration node: ${instance_id} (${SERVER_GROUP}, ${REGION})"

deadline=$((SECONDS + wait_seconds))
until [[ $(aws ssm describe-instance-information --filters "Key=InstanceIds,Values=${instance_id}" \
  --query 'InstanceInformationList[0].PingStatus' --output text) == Online ]]; do
  ((SECONDS < deadline)) || { echo "the SSM agent on ${instance_id} did not come online" >&2; exit 1; }
  sleep 10
done

# On the node: wait for the user data (settings, EFS) to finish, then run migrate with the service's settings.
parameters=$(cat <<JSON
{"commands": [
  "set -eu",
  "cloud-init status --wait >/dev/null",
  "test -s /etc/medicalportal/portal.env",
  "cat /opt/medicalportal/BUILD",
  "/usr/local/bin/medicalportal-cli migrate"
 ],
 "executionTimeout": ["${migrate_timeout_seconds}"]}
JSON
)
command_id=$(aws ssm send-command --instance-ids "$instance_id" --document-name AWS-RunShellScript \
  --comment "medicalportal migrate (${SERVER_GROUP})" --timeout-seconds 600 \
  --parameters "$parameters" --query 'Command.CommandId' --output text)
echo "SSM command: ${command_id}"

status=Pending
while [[ $status == Pending || $status == InProgress || $status == Delayed ]]; do
  sleep 15
  status=$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance_id" \
    --query Status --output text 2>/dev/null || echo Pending)
done

echo "----- output of migrate on ${instance_id} -----"
aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance_id" \
  --query StandardOutputContent --output text
echo "----- errors -----"
aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance_id" \
  --query StandardErrorContent --output text
code=$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance_id" \
  --query ResponseCode --output text)
echo "status ${status}, exit code ${code}"
[[ $status == Success && $code == 0 ]]
