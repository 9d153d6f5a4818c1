// Tests of spinnaker.mjs: the real pipeline passes, and each rule, broken in a copy, is reported by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkPipeline, STAGE_TYPES } from './spinnaker.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pipelineFile = join(here, '..', 'spinnaker', 'pipeline.json');
const checker = join(here, 'spinnaker.mjs');
const original = JSON.parse(readFileSync(pipelineFile, 'utf8'));

/** A fresh copy of the real pipeline, changed by `change`, checked. */
function checkChanged(change) {
  const pipeline = structuredClone(original);
  change(pipeline, (refId) => {
    const stage = pipeline.stages.find((s) => s.refId === refId);
    assert.ok(stage, `the real pipeline has no stage ${refId}`);
    return stage;
  });
  return checkPipeline(pipeline);
}

/** Asserts that a problem of `rule` was reported (about the stage `refId`, when given). */
function expectRule(problems, rule, refId) {
  const found = problems.some((p) => p.rule === rule && (refId === undefined || (p.stage ?? '').startsWith(`${refId} `) || p.stage === refId));
  assert.ok(found, `expected [${rule}]${refId ? ` on ${refId}` : ''}; got:\n${problems.map((p) => `  [${p.rule}] ${p.stage}: ${p.message}`).join('\n') || '  nothing'}`);
}

function runCli(...args) {
  return spawnSync(process.execPath, [checker, ...args], { encoding: 'utf8' });
}

describe('the real pipeline', () => {
  it('has no problems', () => {
    assert.deepEqual(checkPipeline(structuredClone(original)), []);
  });

  it('passes the command line check with exit code 0', () => {
    const run = runCli(pipelineFile);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /no problems/);
  });

  it('uses only stage types the checker lists from Orca', () => {
    for (const s of original.stages) assert.ok(STAGE_TYPES.has(s.type), s.type);
  });
});

describe('the command line', () => {
  it('reports a file that is not JSON under [json] and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinnaker-check-'));
    try {
      const file = join(dir, 'pipeline.json');
      writeFileSync(file, readFileSync(pipelineFile, 'utf8').replace('"stages": [', '"stages": [,'));
      const run = runCli(file);
      assert.equal(run.status, 1);
      assert.match(run.stdout, /pipeline\.json: \[json\] not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints each problem with its rule and stage and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinnaker-check-'));
    try {
      const file = join(dir, 'pipeline.json');
      const broken = structuredClone(original);
      broken.stages.find((s) => s.refId === 'judgment').type = 'manualApproval';
      writeFileSync(file, JSON.stringify(broken));
      const run = runCli(file);
      assert.equal(run.status, 1);
      assert.match(run.stdout, /pipeline\.json: \[known-type\] judgment "Promote to production\?": type "manualApproval"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 without exactly one file', () => {
    assert.equal(runCli().status, 2);
  });
});

describe('graph rules', () => {
  it('reports a duplicated refId', () => {
    expectRule(checkChanged((p, stage) => { stage('smoke-ready-staging').refId = 'deploy-staging'; }), 'unique-refid');
  });

  it('reports a duplicated stage name (expressions find stages by name)', () => {
    expectRule(checkChanged((p, stage) => { stage('verify-production').name = 'Verify staging'; }), 'unique-name');
  });

  it('reports a requisite that names no stage', () => {
    expectRule(checkChanged((p, stage) => { stage('judgment').requisiteStageRefIds = ['verify-stagingg']; }), 'requisite-exists', 'judgment');
  });

  it('reports a cycle', () => {
    expectRule(checkChanged((p, stage) => { stage('migrate-staging').requisiteStageRefIds.push('smoke-ready-staging'); }), 'no-cycle');
  });

  it('reports a second root', () => {
    expectRule(checkChanged((p) => {
      p.stages.push({ refId: 'pause', requisiteStageRefIds: [], type: 'wait', name: 'Pause', waitTime: 60 });
    }), 'single-root', 'pause');
  });

  it('reports a pipeline that does not start with the bake', () => {
    expectRule(checkChanged((p, stage) => {
      stage('bake').requisiteStageRefIds = ['migration-node-staging'];
      stage('migration-node-staging').requisiteStageRefIds = [];
    }), 'single-root', 'migration-node-staging');
  });
});

describe('stage types and their fields', () => {
  it('reports an unknown stage type', () => {
    expectRule(checkChanged((p, stage) => { stage('smoke-ready-staging').type = 'httpCheck'; }), 'known-type', 'smoke-ready-staging');
  });

  const missing = [
    ['bake without regions', 'bake', (s) => delete s.regions],
    ['bake without baseOs', 'bake', (s) => delete s.baseOs],
    ['bake with neither package nor template', 'bake', (s) => { delete s.templateFileName; delete s.extendedAttributes; }],
    ['bake without rebake when the artifact is not in the bake key', 'bake', (s) => delete s.rebake],
    ['migration node clone without capacity', 'migration-node-staging', (s) => delete s.capacity],
    ['clone without the cluster to clone from', 'deploy-staging', (s) => delete s.targetCluster],
    ['clone without credentials', 'deploy-production', (s) => delete s.credentials],
    ['clone with an unknown strategy', 'deploy-production', (s) => { s.strategy = 'blue-green'; }],
    ['clone with min > desired', 'deploy-production', (s) => { s.capacity = { min: 3, max: 6, desired: 2 }; }],
    ['jenkins stage without job', 'migrate-staging', (s) => delete s.job],
    ['jenkins stage without master', 'smoke-sign-in-production', (s) => delete s.master],
    ['destroyServerGroup without target', 'remove-migration-node-staging', (s) => delete s.target],
    ['destroyServerGroup without regions', 'remove-migration-node-production', (s) => delete s.regions],
    ['webhook without url', 'smoke-ready-staging', (s) => delete s.url],
    ['webhook with a bad method', 'smoke-ready-production', (s) => { s.method = 'FETCH'; }],
    ['webhook waiting for completion without a status path', 'smoke-ready-production', (s) => { s.waitForCompletion = true; }],
    ['rollbackCluster without the cluster', 'rollback-staging', (s) => delete s.moniker],
    ['rollbackCluster without regions', 'rollback-production', (s) => delete s.regions],
    ['checkPreconditions without an expression', 'verify-staging', (s) => delete s.preconditions[0].context.expression],
    ['checkPreconditions with a ${}-wrapped expression', 'verify-production', (s) => { s.preconditions[0].context.expression = '${true}'; }],
    ['manualJudgment without instructions or inputs', 'judgment', (s) => { delete s.instructions; delete s.judgmentInputs; }],
  ];
  for (const [what, refId, change] of missing) {
    it(`reports a ${what}`, () => {
      expectRule(checkChanged((p, stage) => change(stage(refId))), 'required-fields', refId);
    });
  }

  it('reports a deploy stage cluster without target groups, zones or capacity', () => {
    const problems = checkChanged((p, stage) => {
      const s = stage('deploy-staging');
      for (const k of Object.keys(s)) if (!['refId', 'requisiteStageRefIds', 'name', 'failPipeline', 'continuePipeline'].includes(k)) delete s[k];
      Object.assign(s, { type: 'deploy', clusters: [{ cloudProvider: 'aws', account: 'aws-staging', application: 'medicalportal', stack: 'staging', strategy: 'redblack' }] });
    });
    const messages = problems.filter((p) => p.rule === 'required-fields' && p.stage.startsWith('deploy-staging ')).map((p) => p.message).join('\n');
    assert.match(messages, /clusters\[0\]: capacity/);
    assert.match(messages, /clusters\[0\]: availabilityZones or subnetType/);
    assert.match(messages, /clusters\[0\]: targetGroups/);
  });

  it('reports a rollbackServerGroup stage without its rollback context', () => {
    const problems = checkChanged((p, stage) => {
      Object.assign(stage('rollback-staging'), { type: 'rollbackServerGroup', region: 'us-east-1', rollbackType: 'EXPLICIT', rollbackContext: { rollbackServerGroupName: 'medicalportal-staging-v002' } });
    });
    expectRule(problems, 'required-fields', 'rollback-staging');
  });
});

describe('expressions and flags', () => {
  it('reports #stage() naming a stage that does not exist', () => {
    expectRule(checkChanged((p, stage) => {
      const s = stage('rollback-production');
      s.stageEnabled.expression = s.stageEnabled.expression.replace("#stage('Smoke test: sign-in (production)')", "#stage('Smoke test: signin (production)')");
    }), 'stage-reference', 'rollback-production');
  });

  it('reports a stageEnabled expression wrapped in ${}', () => {
    expectRule(checkChanged((p, stage) => {
      const s = stage('smoke-ready-staging');
      s.stageEnabled.expression = `\${${s.stageEnabled.expression}}`;
    }), 'stage-enabled', 'smoke-ready-staging');
  });

  it('reports continuePipeline without failPipeline false', () => {
    expectRule(checkChanged((p, stage) => { delete stage('remove-migration-node-staging').failPipeline; }), 'flags', 'remove-migration-node-staging');
  });

  it('reports a parameter that parameterConfig does not declare', () => {
    expectRule(checkChanged((p, stage) => { stage('smoke-ready-production').url = '${parameters.prodUrl}/health/ready'; }), 'pipeline-fields');
  });

  it('reports a trigger expecting an artifact that is not defined', () => {
    expectRule(checkChanged((p) => { p.triggers[0].expectedArtifactIds = ['portal-zip']; }), 'pipeline-fields');
  });

  it('reports a pipeline that may run twice at once', () => {
    expectRule(checkChanged((p) => { p.limitConcurrent = false; }), 'pipeline-fields');
  });
});

describe("the release's order", () => {
  it('reports migrate after the deploy', () => {
    const problems = checkChanged((p, stage) => {
      stage('deploy-staging').requisiteStageRefIds = ['migration-node-staging'];
      stage('migrate-staging').requisiteStageRefIds = ['deploy-staging'];
    });
    expectRule(problems, 'order-migrate-before-deploy', 'deploy-staging');
    expectRule(problems, 'order-migrate-before-deploy', 'migrate-staging');
  });

  it('reports a deploy with no migrate before it', () => {
    expectRule(checkChanged((p, stage) => {
      const s = stage('migrate-production');
      s.name = 'Prepare databases (production)';
      s.job = 'medicalportal-prepare';
    }), 'order-migrate-before-deploy', 'deploy-production');
  });

  it('reports migrate run twice for one environment', () => {
    expectRule(checkChanged((p, stage) => {
      p.stages.push({ ...structuredClone(stage('migrate-staging')), refId: 'migrate-staging-again', name: 'Migrate databases again (staging)', requisiteStageRefIds: ['migrate-staging'] });
      stage('deploy-staging').requisiteStageRefIds = ['migrate-staging-again'];
    }), 'migrate-once');
  });

  it('reports smoke tests that run before the deploy', () => {
    expectRule(checkChanged((p, stage) => {
      stage('smoke-ready-staging').requisiteStageRefIds = ['migrate-staging'];
      stage('deploy-staging').requisiteStageRefIds = ['smoke-sign-in-staging'];
      stage('rollback-staging').requisiteStageRefIds = ['deploy-staging'];
    }), 'order-smoke-after-deploy');
  });

  it('reports production without a manual judgment before it', () => {
    const problems = checkChanged((p, stage) => {
      p.stages = p.stages.filter((s) => s.refId !== 'judgment');
      stage('migration-node-production').requisiteStageRefIds = ['verify-staging'];
    });
    expectRule(problems, 'order-judgment-before-production');
    expectRule(problems, 'order-judgment-before-production', 'deploy-production');
  });

  it('reports a judgment placed after the production migration', () => {
    expectRule(checkChanged((p, stage) => {
      stage('migration-node-production').requisiteStageRefIds = ['verify-staging'];
      stage('judgment').requisiteStageRefIds = ['migrate-production'];
      stage('deploy-production').requisiteStageRefIds = ['judgment'];
      stage('remove-migration-node-production').requisiteStageRefIds = ['judgment'];
    }), 'order-judgment-before-production', 'migrate-production');
  });

  it('reports a deploy without a rollback', () => {
    expectRule(checkChanged((p, stage) => {
      p.stages = p.stages.filter((s) => s.refId !== 'rollback-staging');
      stage('verify-staging').requisiteStageRefIds = ['smoke-sign-in-staging'];
    }), 'rollback-path', 'deploy-staging');
  });

  it('reports a rollback stage that does not depend on a failure', () => {
    expectRule(checkChanged((p, stage) => { delete stage('rollback-production').stageEnabled; }), 'rollback-path', 'deploy-production');
  });

  it('accepts the deploy stage\'s own rollback.onFailure as the rollback', () => {
    const problems = checkChanged((p, stage) => {
      p.stages = p.stages.filter((s) => s.refId !== 'rollback-staging');
      stage('verify-staging').requisiteStageRefIds = ['smoke-sign-in-staging'];
      const s = stage('deploy-staging');
      for (const k of Object.keys(s)) if (!['refId', 'requisiteStageRefIds', 'name', 'failPipeline', 'continuePipeline'].includes(k)) delete s[k];
      Object.assign(s, {
        type: 'deploy',
        clusters: [{
          cloudProvider: 'aws', account: 'aws-staging', application: 'medicalportal', stack: 'staging', strategy: 'redblack',
          capacity: { min: 2, max: 2, desired: 2 }, subnetType: 'private', targetGroups: ['medicalportal-staging'], rollback: { onFailure: true },
        }],
      });
    });
    assert.deepEqual(problems.filter((p) => p.rule === 'rollback-path'), []);
  });

  it('reports a failure that would stop the pipeline before the rollback runs', () => {
    expectRule(checkChanged((p, stage) => {
      const s = stage('smoke-sign-in-production');
      s.failPipeline = true;
      delete s.continuePipeline;
    }), 'rollback-path', 'smoke-sign-in-production');
  });

  it('reports a rollback after which nothing fails the pipeline', () => {
    expectRule(checkChanged((p, stage) => {
      p.stages = p.stages.filter((s) => s.refId !== 'verify-staging');
      stage('judgment').requisiteStageRefIds = ['rollback-staging'];
    }), 'failure-stops-pipeline', 'deploy-staging');
  });

  it('does not count a server group that takes no traffic as the deploy', () => {
    expectRule(checkChanged((p, stage) => {
      Object.assign(stage('deploy-production'), { targetGroups: [], suspendedProcesses: ['AddToLoadBalancer'] });
    }), 'order-smoke-after-deploy', 'smoke-ready-production');
  });
});
