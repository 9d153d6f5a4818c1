// Structural check of a Spinnaker pipeline (the JSON that `spin pipeline save` and Gate's /pipelines take).
//
//   node deploy/checks/spinnaker.mjs deploy/spinnaker/pipeline.json
//
// prints one line per problem ("file: [rule] stage: message") and exits 1 when there is any, 0 when none, 2 on bad
// usage. It proves the pipeline is a well-formed graph of stage types Orca has, that each stage carries the fields its
// stage class (and Deck's validators) need, and that it keeps this product's order: bake first, migrate once per
// environment before that environment's rollout, smoke tests after it, a manual judgment before anything touches
// production, a rollback that can actually run, and a failed environment that fails the pipeline. It does not prove
// that Spinnaker accounts, Jenkins jobs, Rosco base images or AWS resources with these names exist, nor that
// expressions evaluate: see docs/decisions/0026-release-pipeline.md.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Stage types Orca knows, as confirmed in Orca's source: each is a StageDefinitionBuilder bean whose type is its
 * PIPELINE_CONFIG_TYPE or, by default, its class name without "Stage" and with a lower-case first letter.
 */
export const STAGE_TYPES = new Map([
  ['bake', 'orca-bakery BakeStage (PIPELINE_CONFIG_TYPE "bake"): Rosco bakes an image per region'],
  ['bakeManifest', 'orca-bakery BakeManifestStage: Helm/Kustomize rendering'],
  ['deploy', 'orca-clouddriver ParallelDeployStage (PIPELINE_CONFIG_TYPE "deploy"): one createServerGroup per cluster'],
  ['createServerGroup', 'orca-clouddriver CreateServerGroupStage (PIPELINE_CONFIG_TYPE "createServerGroup")'],
  ['cloneServerGroup', 'orca-clouddriver CloneServerGroupStage (PIPELINE_CONFIG_TYPE "cloneServerGroup"): clouddriver copyLastAsg'],
  ['rollbackCluster', 'orca-clouddriver RollbackClusterStage (PIPELINE_CONFIG_TYPE "rollbackCluster")'],
  ['rollbackServerGroup', 'orca-clouddriver RollbackServerGroupStage: EXPLICIT, PREVIOUS_IMAGE or TEST rollback'],
  ['destroyServerGroup', 'orca-clouddriver DestroyServerGroupStage (PIPELINE_CONFIG_TYPE "destroyServerGroup")'],
  ['disableServerGroup', 'orca-clouddriver DisableServerGroupStage'],
  ['enableServerGroup', 'orca-clouddriver EnableServerGroupStage'],
  ['resizeServerGroup', 'orca-clouddriver ResizeServerGroupStage'],
  ['shrinkCluster', 'orca-clouddriver ShrinkClusterStage (used by the red/black and highlander strategies)'],
  ['disableCluster', 'orca-clouddriver DisableClusterStage (used by the red/black strategy)'],
  ['scaleDownCluster', 'orca-clouddriver ScaleDownClusterStage (used by the red/black strategy)'],
  ['findImage', 'orca-clouddriver FindImageFromClusterStage (PIPELINE_CONFIG_TYPE "findImage")'],
  ['deployCloudFormation', 'orca-clouddriver DeployCloudFormationStage (AWS)'],
  ['runJob', 'orca-clouddriver RunJobStage (Kubernetes, Titus; not EC2)'],
  ['webhook', 'orca-webhook WebhookStage: CreateWebhookTask, MonitorWebhookTask'],
  ['preconfiguredWebhook', 'orca-webhook PreconfiguredWebhookStage'],
  ['jenkins', 'orca-igor JenkinsStage (CIStage): StartJenkinsJobTask, MonitorJenkinsJobTask'],
  ['script', 'orca-igor ScriptStage (runs a script through Jenkins)'],
  ['concourse', 'orca-igor ConcourseStage'],
  ['awsCodeBuild', 'orca-igor AwsCodeBuildStage'],
  ['manualJudgment', 'orca-echo ManualJudgmentStage: WaitForManualJudgmentTask'],
  ['checkPreconditions', 'orca-core CheckPreconditionsStage: one child stage per precondition (expression, stageStatus, ...)'],
  ['wait', 'orca-core WaitStage: waitTime seconds'],
  ['evaluateVariables', 'orca-core EvaluateVariablesStage'],
  ['pipeline', 'orca-front50 PipelineStage: runs another pipeline'],
]);

/** Stage types whose stages run a command somewhere (a migration or a smoke test can be one of these). */
const COMMAND_TYPES = new Set(['jenkins', 'script', 'runJob', 'webhook', 'preconfiguredWebhook', 'concourse', 'awsCodeBuild']);
/** Stage types that create server groups. */
const DEPLOY_TYPES = new Set(['deploy', 'createServerGroup', 'cloneServerGroup']);
/** Stage types that can put traffic back on the previous server group or take it off the new one. */
const ROLLBACK_TYPES = new Set(['rollbackCluster', 'rollbackServerGroup', 'disableServerGroup', 'destroyServerGroup', 'enableServerGroup']);
/** Deployment strategies (orca-clouddriver *Strategy beans; "" is NoStrategy). */
const STRATEGIES = new Set(['', 'redblack', 'rollingredblack', 'highlander', 'rollingpush', 'custom', 'monitored', 'cfrollingredblack']);
/** TargetServerGroup.Params.Target values (the last two deprecated). */
const TARGETS = new Set(['current_asg_dynamic', 'ancestor_asg_dynamic', 'oldest_asg_dynamic', 'current_asg', 'ancestor_asg']);
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const ROLLBACK_KINDS = new Set(['EXPLICIT', 'PREVIOUS_IMAGE', 'TEST']);

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNonEmptyString = (v) => typeof v === 'string' && v.trim() !== '';
const isNonEmptyArray = (v) => Array.isArray(v) && v.length > 0;
const isCount = (v) => (Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\$\{.+\}$/.test(v));

/** Required fields per stage type, from the stage classes' StageData and Deck's validators. Each returns messages. */
const REQUIRED = {
  // BakeStage/CreateBakeTask -> Rosco BakeRequest; Deck's awsBakeStage requires package and regions.
  bake(s) {
    const m = [];
    if (!isNonEmptyString(s.cloudProviderType)) m.push('cloudProviderType is required (aws)');
    if (!isNonEmptyArray(s.regions) && !isNonEmptyString(s.region)) m.push('regions is required');
    if (!isNonEmptyString(s.baseOs)) m.push('baseOs is required (an id of Rosco\'s baseImages)');
    if (!isNonEmptyString(s.baseLabel)) m.push('baseLabel is required');
    const hasPackage = isNonEmptyString(s.package);
    const hasTemplate = isNonEmptyString(s.templateFileName) && isObject(s.extendedAttributes) && Object.keys(s.extendedAttributes).length > 0;
    if (!hasPackage && !hasTemplate) m.push('package, or templateFileName with extendedAttributes (what to install), is required');
    if (!hasPackage) {
      if (!isNonEmptyString(s.amiName)) m.push('amiName is required without package (Rosco names the image after it)');
      if (s.rebake !== true) m.push('rebake must be true without package: the artifact is not part of Rosco\'s bake key, so an old image would be reused');
    }
    return m;
  },
  // ParallelDeployStage: one CreateServerGroupStage per cluster.
  deploy(s) {
    if (!isNonEmptyArray(s.clusters)) return ['clusters is required (one entry per server group to create)'];
    return s.clusters.flatMap((c, i) => (isObject(c) ? serverGroupProblems(c, true) : ['is not an object']).map((p) => `clusters[${i}]: ${p}`));
  },
  createServerGroup: (s) => serverGroupProblems(s, true),
  // CloneServerGroupStage -> clouddriver CopyLastAsgAtomicOperation: what is not given is copied from the source.
  cloneServerGroup(s) {
    const m = [];
    if (!isNonEmptyString(s.cloudProvider)) m.push('cloudProvider is required');
    if (!isNonEmptyString(s.credentials) && !isNonEmptyString(s.account)) m.push('credentials (the account) is required');
    if (!isNonEmptyString(s.region) && !isObject(s.availabilityZones)) m.push('region or availabilityZones is required');
    if (!isNonEmptyString(s.application)) m.push('application is required');
    if (!isObject(s.source) && !isNonEmptyString(s.targetCluster)) m.push('targetCluster (the cluster to clone from) or source is required');
    if (isNonEmptyString(s.targetCluster) && !TARGETS.has(s.target)) m.push(`target must be one of ${[...TARGETS].join(', ')}`);
    m.push(...strategyAndCapacity(s));
    if (s.targetGroups !== undefined && !Array.isArray(s.targetGroups)) m.push('targetGroups must be a list (omitted: copied from the source)');
    return m;
  },
  // RollbackClusterStage / DetermineRollbackCandidatesTask.
  rollbackCluster(s) {
    const m = locationProblems(s);
    if (!isNonEmptyArray(s.regions)) m.push('regions is required');
    if (!isNonEmptyString(s.moniker?.cluster) && !isNonEmptyString(s.serverGroup)) m.push('moniker.cluster or serverGroup is required');
    return m;
  },
  // RollbackServerGroupStage: rollbackType and its rollbackContext.
  rollbackServerGroup(s) {
    const m = locationProblems(s);
    if (!isNonEmptyString(s.region) && !isNonEmptyArray(s.regions)) m.push('region is required');
    if (!ROLLBACK_KINDS.has(s.rollbackType)) m.push(`rollbackType must be one of ${[...ROLLBACK_KINDS].join(', ')}`);
    const ctx = s.rollbackContext;
    if (!isObject(ctx) || !isNonEmptyString(ctx.rollbackServerGroupName)) m.push('rollbackContext.rollbackServerGroupName is required');
    else if (s.rollbackType === 'EXPLICIT' && !isNonEmptyString(ctx.restoreServerGroupName)) m.push('rollbackContext.restoreServerGroupName is required for EXPLICIT');
    else if (s.rollbackType === 'PREVIOUS_IMAGE' && !isNonEmptyString(ctx.imageName) && !isNonEmptyString(ctx.imageId)) m.push('rollbackContext.imageName or imageId is required for PREVIOUS_IMAGE');
    return m;
  },
  destroyServerGroup: targetedServerGroupProblems,
  disableServerGroup: targetedServerGroupProblems,
  enableServerGroup: targetedServerGroupProblems,
  resizeServerGroup(s) {
    const m = targetedServerGroupProblems(s);
    if (!isObject(s.capacity) && s.action === undefined) m.push('capacity or action is required');
    return m;
  },
  // WebhookStage.StageData.
  webhook(s) {
    const m = [];
    if (!isNonEmptyString(s.url)) m.push('url is required');
    if (!isNonEmptyString(s.method) || !HTTP_METHODS.has(s.method.toUpperCase())) m.push(`method is required (${[...HTTP_METHODS].join(', ')})`);
    if (s.waitForCompletion === true) {
      if (!isNonEmptyString(s.statusUrlResolution)) m.push('statusUrlResolution is required with waitForCompletion');
      if (!isNonEmptyString(s.statusJsonPath)) m.push('statusJsonPath is required with waitForCompletion');
    }
    return m;
  },
  // CIStageDefinition (master, job); Deck's jenkinsStage requires job.
  jenkins(s) {
    const m = [];
    if (!isNonEmptyString(s.master)) m.push('master is required (the Jenkins master Igor knows)');
    if (!isNonEmptyString(s.job)) m.push('job is required');
    if (s.parameters !== undefined && !isObject(s.parameters)) m.push('parameters must be an object');
    return m;
  },
  // ManualJudgmentStage.StageData: nothing is required by Orca; a judge needs to know what to judge.
  manualJudgment(s) {
    const m = [];
    if (!isNonEmptyString(s.instructions) && !isNonEmptyArray(s.judgmentInputs)) m.push('instructions or judgmentInputs is required');
    if (s.judgmentInputs !== undefined && (!Array.isArray(s.judgmentInputs) || s.judgmentInputs.some((i) => !isNonEmptyString(i?.value)))) m.push('judgmentInputs must be a list of { value }');
    return m;
  },
  // CheckPreconditionsStage: one child per precondition; ExpressionPreconditionTask reads context.expression.
  checkPreconditions(s) {
    if (!isNonEmptyArray(s.preconditions)) return ['preconditions is required'];
    return s.preconditions.flatMap((p, i) => {
      if (!isObject(p) || !isNonEmptyString(p.type)) return [`preconditions[${i}].type is required`];
      if (p.type === 'expression' && !isNonEmptyString(p.context?.expression)) return [`preconditions[${i}].context.expression is required`];
      if (p.type === 'expression' && /^\s*\$\{/.test(p.context.expression)) return [`preconditions[${i}].context.expression must be bare SpEL: Orca wraps it in \${...}`];
      if (p.type === 'stageStatus' && (!isNonEmptyString(p.context?.stageName) || !isNonEmptyString(p.context?.stageStatus))) return [`preconditions[${i}].context.stageName and stageStatus are required`];
      return [];
    });
  },
  wait: (s) => (s.waitTime === undefined ? ['waitTime is required (seconds)'] : []),
};

function locationProblems(s) {
  const m = [];
  if (!isNonEmptyString(s.cloudProvider)) m.push('cloudProvider is required');
  if (!isNonEmptyString(s.credentials) && !isNonEmptyString(s.account)) m.push('credentials (the account) is required');
  return m;
}

// TargetServerGroupLinearStageSupport: a named server group, or a target in a cluster.
function targetedServerGroupProblems(s) {
  const m = locationProblems(s);
  if (!isNonEmptyArray(s.regions) && !isNonEmptyString(s.region)) m.push('regions is required');
  const named = isNonEmptyString(s.serverGroupName) || isNonEmptyString(s.asgName);
  if (!named) {
    if (!isNonEmptyString(s.cluster) && !isNonEmptyString(s.moniker?.cluster)) m.push('cluster (or serverGroupName) is required');
    if (!TARGETS.has(s.target)) m.push(`target must be one of ${[...TARGETS].join(', ')} (or give serverGroupName)`);
  }
  return m;
}

function strategyAndCapacity(c) {
  const m = [];
  if (typeof c.strategy !== 'string' || !STRATEGIES.has(c.strategy)) m.push(`strategy is required (${[...STRATEGIES].map((x) => x || '""').join(', ')})`);
  if (c.useSourceCapacity !== true) {
    const cap = c.capacity;
    if (!isObject(cap) || !['min', 'max', 'desired'].every((k) => isCount(cap[k]))) m.push('capacity { min, max, desired } is required (or useSourceCapacity)');
    else if ([cap.min, cap.max, cap.desired].every(Number.isInteger) && !(cap.min <= cap.desired && cap.desired <= cap.max)) m.push('capacity must have min <= desired <= max');
  }
  return m;
}

// A cluster of a deploy stage, or a createServerGroup stage (BasicAmazonDeployDescription for AWS).
function serverGroupProblems(c, needsTraffic) {
  const m = [];
  if (!isNonEmptyString(c.cloudProvider) && !isNonEmptyString(c.provider)) m.push('cloudProvider (or provider) is required');
  if (!isNonEmptyString(c.account) && !isNonEmptyString(c.credentials)) m.push('account is required');
  if (!isNonEmptyString(c.application)) m.push('application is required');
  m.push(...strategyAndCapacity(c));
  if (!(isObject(c.availabilityZones) && Object.keys(c.availabilityZones).length > 0) && !isNonEmptyString(c.subnetType)) m.push('availabilityZones or subnetType is required');
  const noTraffic = Array.isArray(c.suspendedProcesses) && c.suspendedProcesses.includes('AddToLoadBalancer');
  if (needsTraffic && !noTraffic && !isNonEmptyArray(c.targetGroups) && !isNonEmptyArray(c.loadBalancers)) m.push('targetGroups is required (the balancer\'s target group)');
  if (c.rollback !== undefined && (!isObject(c.rollback) || typeof c.rollback.onFailure !== 'boolean')) m.push('rollback must be { onFailure: true|false }');
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// Roles of stages in this product's release, read from their content.

/** A stage that creates server groups that take traffic (a migration node, with no target group, does not). */
export function isRollout(s) {
  if (!DEPLOY_TYPES.has(s.type)) return false;
  const groups = s.type === 'deploy' ? (Array.isArray(s.clusters) ? s.clusters : []) : [s];
  return groups.some((g) => {
    const noTargetGroups = Array.isArray(g.targetGroups) && g.targetGroups.length === 0 && !isNonEmptyArray(g.loadBalancers);
    const notRegistered = Array.isArray(g.suspendedProcesses) && g.suspendedProcesses.includes('AddToLoadBalancer');
    return !(noTargetGroups || notRegistered);
  });
}

const describes = (s) => [s.name, s.job, s.url, s.command].filter((x) => typeof x === 'string').join(' ');
/** A stage that runs the portal's migrate command (a command stage whose name, job, URL or command says migrate). */
export const isMigrate = (s) => COMMAND_TYPES.has(s.type) && /\bmigrat/i.test(describes(s));
/** A smoke test (a command stage whose name, job, URL or command says smoke). */
export const isSmoke = (s) => COMMAND_TYPES.has(s.type) && /smoke/i.test(describes(s));
/** A stage that runs only when something before it failed. */
export const isConditionalRollback = (s) =>
  ROLLBACK_TYPES.has(s.type) && s.stageEnabled?.type === 'expression' && /status|FAILED|TERMINAL/.test(s.stageEnabled.expression ?? '');

/** "production", "staging" or null, from the fields that name where a stage acts. */
export function environmentOf(s) {
  if (s.type === 'manualJudgment' || s.type === 'bake') return null;
  const clusters = Array.isArray(s.clusters) ? s.clusters : [];
  const text = [
    s.name, s.credentials, s.account, s.stack, s.cluster, s.targetCluster, s.moniker?.cluster, s.url,
    ...Object.values(isObject(s.parameters) ? s.parameters : {}),
    ...clusters.flatMap((c) => [c.account, c.stack, c.freeFormDetails]),
  ].filter((x) => typeof x === 'string').join(' ');
  if (/prod/i.test(text)) return 'production';
  if (/stag/i.test(text)) return 'staging';
  return null;
}

// ---------------------------------------------------------------------------------------------------------------

/** Checks a parsed pipeline; returns [{ rule, stage, message }]. */
export function checkPipeline(pipeline) {
  const problems = [];
  const report = (rule, stage, message) => problems.push({ rule, stage: stage ? label(stage) : null, message });

  if (!isObject(pipeline)) {
    report('pipeline-fields', null, 'the pipeline must be a JSON object');
    return problems;
  }
  if (!isNonEmptyString(pipeline.application)) report('pipeline-fields', null, 'application is required');
  if (!isNonEmptyString(pipeline.name)) report('pipeline-fields', null, 'name is required');
  if (!isNonEmptyArray(pipeline.stages)) {
    report('pipeline-fields', null, 'stages must be a non-empty list');
    return problems;
  }
  if (pipeline.limitConcurrent !== true) report('pipeline-fields', null, 'limitConcurrent must be true: two releases must never migrate and deploy at once');
  checkTriggersAndParameters(pipeline, report);

  const stages = pipeline.stages.filter((s, i) => {
    if (isObject(s)) return true;
    report('stage-fields', null, `stages[${i}] is not an object`);
    return false;
  });
  for (const s of stages) {
    if (!isNonEmptyString(s.refId)) report('stage-fields', s, 'refId is required');
    if (!isNonEmptyString(s.name)) report('stage-fields', s, 'name is required');
    if (!Array.isArray(s.requisiteStageRefIds)) report('stage-fields', s, 'requisiteStageRefIds must be a list (empty for the first stage)');
  }

  // refIds and names are unique (#stage('name') finds a stage by name).
  const byRefId = new Map();
  for (const s of stages) {
    if (!isNonEmptyString(s.refId)) continue;
    if (byRefId.has(s.refId)) report('unique-refid', s, `refId "${s.refId}" is used by more than one stage`);
    else byRefId.set(s.refId, s);
  }
  const byName = new Map();
  for (const s of stages) {
    if (!isNonEmptyString(s.name)) continue;
    if (byName.has(s.name)) report('unique-name', s, `the name "${s.name}" is used by more than one stage (#stage() would find the first)`);
    else byName.set(s.name, s);
  }

  // Every requisite exists.
  const parents = new Map();
  for (const s of byRefId.values()) {
    const reqs = Array.isArray(s.requisiteStageRefIds) ? s.requisiteStageRefIds : [];
    const known = [];
    for (const r of reqs) {
      if (byRefId.has(r) && r !== s.refId) known.push(r);
      else report('requisite-exists', s, r === s.refId ? 'requires itself' : `requires "${r}", which no stage has as refId`);
    }
    parents.set(s.refId, known);
  }

  // A DAG: no cycle.
  const cyclic = findCycle(parents);
  if (cyclic) report('no-cycle', byRefId.get(cyclic[0]), `the stages form a cycle: ${cyclic.join(' -> ')}`);

  // The only root is the bake stage, and every stage reaches back to it.
  const roots = [...byRefId.values()].filter((s) => (parents.get(s.refId) ?? []).length === 0);
  for (const r of roots) {
    if (r.type !== 'bake') report('single-root', r, `starts the pipeline but is a ${r.type} stage: the only stage without requisites must be the bake`);
  }
  if (roots.filter((r) => r.type === 'bake').length > 1) report('single-root', null, 'more than one bake stage has no requisites: one bake must start the pipeline');
  const ancestors = cyclic ? null : ancestorSets(parents);
  if (ancestors) {
    const bakeRoots = new Set(roots.filter((r) => r.type === 'bake').map((r) => r.refId));
    for (const s of byRefId.values()) {
      if (bakeRoots.has(s.refId)) continue;
      if (![...ancestors.get(s.refId)].some((a) => bakeRoots.has(a))) report('single-root', s, 'does not come after the bake stage');
    }
  }

  // Known types and their fields.
  for (const s of stages) {
    if (!isNonEmptyString(s.type) || !STAGE_TYPES.has(s.type)) {
      report('known-type', s, `type "${s.type}" is not a stage type Orca has (known: ${[...STAGE_TYPES.keys()].join(', ')})`);
      continue;
    }
    for (const message of REQUIRED[s.type]?.(s) ?? []) report('required-fields', s, `${s.type}: ${message}`);
    checkFlagsAndExpressions(s, byName, report);
  }

  if (ancestors) checkReleaseOrder([...byRefId.values()], ancestors, report);
  return problems;
}

function checkTriggersAndParameters(pipeline, report) {
  const ids = new Set((pipeline.expectedArtifacts ?? []).map((a) => a?.id));
  for (const [i, t] of (pipeline.triggers ?? []).entries()) {
    if (!isNonEmptyString(t?.type)) report('pipeline-fields', null, `triggers[${i}].type is required`);
    for (const id of t?.expectedArtifactIds ?? []) {
      if (!ids.has(id)) report('pipeline-fields', null, `triggers[${i}] expects artifact "${id}", which expectedArtifacts does not define`);
    }
  }
  const names = new Set();
  for (const [i, p] of (pipeline.parameterConfig ?? []).entries()) {
    if (!isNonEmptyString(p?.name)) report('pipeline-fields', null, `parameterConfig[${i}].name is required`);
    else names.add(p.name);
  }
  // ${parameters.x} must name a declared parameter.
  for (const m of JSON.stringify(pipeline.stages ?? []).matchAll(/parameters\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (!names.has(m[1])) {
      report('pipeline-fields', null, `parameters.${m[1]} is used but parameterConfig does not declare it`);
      names.add(m[1]);
    }
  }
}

function checkFlagsAndExpressions(s, byName, report) {
  for (const flag of ['failPipeline', 'continuePipeline', 'completeOtherBranchesThenFail', 'failOnFailedExpressions']) {
    if (s[flag] !== undefined && typeof s[flag] !== 'boolean') report('flags', s, `${flag} must be true or false`);
  }
  // Orca: failPipeline true -> TERMINAL; false with continuePipeline -> FAILED_CONTINUE; false without -> STOPPED.
  if (s.continuePipeline === true && s.failPipeline !== false) report('flags', s, 'continuePipeline only takes effect with failPipeline: false');
  if (s.completeOtherBranchesThenFail === true && s.failPipeline !== false) report('flags', s, 'completeOtherBranchesThenFail only takes effect with failPipeline: false');
  if (s.stageEnabled !== undefined) {
    if (!isObject(s.stageEnabled) || s.stageEnabled.type !== 'expression' || !isNonEmptyString(s.stageEnabled.expression)) {
      report('stage-enabled', s, 'stageEnabled must be { type: "expression", expression: "..." }');
    } else if (/^\s*\$\{/.test(s.stageEnabled.expression)) {
      report('stage-enabled', s, 'stageEnabled.expression must be bare SpEL: Orca wraps it in ${...} (OptionalStageSupport)');
    }
  }
  // #stage('name') finds a stage by name; a name that does not exist makes the expression fail to evaluate, and a
  // stageEnabled expression that fails to evaluate runs the stage.
  for (const m of JSON.stringify(s).matchAll(/#stage\(\s*\\?['"](.+?)\\?['"]\s*\)/g)) {
    if (!byName.has(m[1])) report('stage-reference', s, `#stage('${m[1]}') names no stage of this pipeline`);
  }
}

function checkReleaseOrder(stages, ancestors, report) {
  const isAncestor = (a, b) => ancestors.get(b.refId).has(a.refId); // a runs before b
  const rollouts = stages.filter(isRollout);
  const migrations = stages.filter(isMigrate);
  const smokes = stages.filter(isSmoke);
  const judgments = stages.filter((s) => s.type === 'manualJudgment');
  const env = new Map(stages.map((s) => [s.refId, environmentOf(s)]));
  const sameEnv = (a, b) => env.get(a.refId) === env.get(b.refId);

  if (rollouts.length === 0) report('order-deploy', null, 'no stage deploys server groups that take traffic');

  for (const r of rollouts) {
    const e = env.get(r.refId);
    // Migrate once, before any new node of that environment takes traffic.
    const before = migrations.filter((m) => sameEnv(m, r) && isAncestor(m, r));
    if (before.length === 0) report('order-migrate-before-deploy', r, `no stage that runs migrate${e ? ` for ${e}` : ''} comes before this deploy`);
    const after = migrations.filter((m) => sameEnv(m, r) && isAncestor(r, m));
    for (const m of after) report('order-migrate-before-deploy', m, `runs migrate after the deploy "${r.name}" (new nodes would take traffic on the old schema)`);
    // Smoke tests after the rollout.
    if (!smokes.some((t) => sameEnv(t, r) && isAncestor(r, t))) report('order-smoke-after-deploy', r, 'no smoke test of this environment comes after this deploy');
    // A way back.
    checkRollbackPath(r, stages, ancestors, sameEnv, report);
  }
  for (const t of smokes) {
    if (!rollouts.some((r) => sameEnv(r, t) && isAncestor(r, t))) report('order-smoke-after-deploy', t, 'this smoke test runs before (or without) the deploy it should test');
  }

  // Migrate exactly once per environment.
  for (const e of new Set(rollouts.map((r) => env.get(r.refId)))) {
    const count = migrations.filter((m) => env.get(m.refId) === e).length;
    if (count > 1) report('migrate-once', null, `${count} stages run migrate for ${e ?? 'the same environment'}; run it once per environment`);
  }

  // A manual judgment before anything touches production.
  const productionStages = stages.filter((s) => env.get(s.refId) === 'production');
  if (productionStages.length > 0 && judgments.length === 0) report('order-judgment-before-production', null, 'there is no manual judgment before production');
  for (const s of productionStages) {
    if (!judgments.some((j) => isAncestor(j, s))) report('order-judgment-before-production', s, 'touches production without a manual judgment before it');
  }
  if (productionStages.length === 0 && rollouts.length > 0) report('order-judgment-before-production', null, 'no stage deploys to production (stack, account or cluster naming "prod")');
}

// The rollout's failure (or its smoke tests') must lead to a rollback stage that can run, and then fail the pipeline.
function checkRollbackPath(r, stages, ancestors, sameEnv, report) {
  const onFailure = r.type === 'deploy'
    ? isNonEmptyArray(r.clusters) && r.clusters.every((c) => c?.rollback?.onFailure === true)
    : r.type === 'createServerGroup' && r.rollback?.onFailure === true;
  const rollbacks = stages.filter((b) => isConditionalRollback(b) && sameEnv(b, r) && ancestors.get(b.refId).has(r.refId));
  if (rollbacks.length === 0) {
    if (!onFailure) report('rollback-path', r, 'no rollback: neither rollback.onFailure on the deploy nor a rollback stage (stageEnabled on a failure) after it');
    return;
  }
  // Every stage from the rollout to the rollback must let the pipeline go on when it fails, or the rollback never runs.
  const b = rollbacks[0];
  const between = stages.filter((s) => ancestors.get(b.refId).has(s.refId) && (s.refId === r.refId || ancestors.get(s.refId).has(r.refId)));
  for (const s of between) {
    if (!(s.failPipeline === false && s.continuePipeline === true)) {
      report('rollback-path', s, `a failure here stops the pipeline before "${b.name}" can run: set failPipeline false and continuePipeline true`);
    }
  }
  // ...and once rolled back, the pipeline must still fail (and not go on to the next environment).
  for (const s of between) {
    const gated = stages.some((g) => g.type === 'checkPreconditions' && ancestors.get(g.refId).has(b.refId)
      && (g.preconditions ?? []).some((p) => p?.failPipeline !== false && (p?.context?.expression ?? '').includes(`#stage('${s.name}')`)));
    if (!gated) report('failure-stops-pipeline', s, `a failure here is rolled back but nothing fails the pipeline afterwards: add a checkPreconditions stage after "${b.name}" that tests #stage('${s.name}')`);
  }
}

function findCycle(parents) {
  const state = new Map();
  const stack = [];
  const visit = (id) => {
    state.set(id, 1);
    stack.push(id);
    for (const p of parents.get(id) ?? []) {
      if (state.get(p) === 1) return [...stack.slice(stack.indexOf(p)), p];
      if (!state.has(p)) {
        const found = visit(p);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 2);
    return null;
  };
  for (const id of parents.keys()) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found.reverse();
    }
  }
  return null;
}

function ancestorSets(parents) {
  const memo = new Map();
  const of = (id) => {
    if (memo.has(id)) return memo.get(id);
    const set = new Set();
    for (const p of parents.get(id) ?? []) {
      set.add(p);
      for (const a of of(p)) set.add(a);
    }
    memo.set(id, set);
    return set;
  };
  for (const id of parents.keys()) of(id);
  return memo;
}

function label(s) {
  return `${s.refId ?? '?'}${s.name ? ` "${s.name}"` : ''}`;
}

/** Reads and checks a pipeline file; a file that is not JSON is one problem of rule "json". */
export function checkPipelineFile(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return [{ rule: 'json', stage: null, message: `cannot read ${path}: ${e.message}` }];
  }
  let pipeline;
  try {
    pipeline = JSON.parse(text);
  } catch (e) {
    return [{ rule: 'json', stage: null, message: `not valid JSON: ${e.message}` }];
  }
  return checkPipeline(pipeline);
}

export function formatProblem(file, p) {
  return `${file}: [${p.rule}]${p.stage ? ` ${p.stage}:` : ''} ${p.message}`;
}

function main(argv) {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    console.error('usage: node deploy/checks/spinnaker.mjs PIPELINE.json');
    return 2;
  }
  const problems = checkPipelineFile(argv[0]);
  for (const p of problems) console.log(formatProblem(basename(argv[0]), p));
  if (problems.length === 0) console.log(`${basename(argv[0])}: no problems`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
