// What ops still do by hand after `platform instance …` changed the files, in order and with the exact
// commands: the CLI edits the repo's configuration, it does not deploy, start containers or touch the
// tunnel, the bucket or the databases. Pure.
import { addDays, type InstanceAction } from './instance-registry-change.ts';
import { variableToken } from './instance-mentions.ts';
import type { FileChange, PlannedChange } from './instance-plan.ts';
import { databaseUrlVariable } from './migration-targets.ts';
import { singleQuotedJson } from './env-lines.ts';

export interface StepsInput {
  action: InstanceAction;
  plan: PlannedChange;
  /** Whether --env-file was given (then .env already holds the new values). */
  envFile: boolean;
}

export function nextSteps({ action, plan, envFile }: StepsInput): string[] {
  const { id } = action;
  const { domain, bucket, endpoint } = plan.production;
  const steps: string[][] = [];
  const changed = (file: FileChange['file']) => plan.changes.some((c) => c.file === file);
  const envValues = envFile
    ? ['On the origin host, .env now holds the new INSTANCES and PLAN_MATRIX (--env-file); copy it there if you edited another copy.']
    : [
        'On the origin host, set in .env (beside docker-compose.yml) the same values as wrangler.toml:',
        `     INSTANCES=${singleQuotedJson(plan.instancesJson)}`,
        `     PLAN_MATRIX=${plan.planMatrixJson === '' ? '' : singleQuotedJson(plan.planMatrixJson)}`,
      ];
  const repoFiles = plan.changes.filter((c) => c.file !== 'envFile').map((c) => c.file);
  const commit = `Commit the changed files (${repoFiles.length} of them) and update the origin host's checkout (git pull there).`;

  switch (action.action) {
    case 'add': {
      const password = `${variableToken(id)}_DB_PASSWORD`;
      steps.push(
        envFile && plan.envFileChanges.some((c) => c.startsWith(password))
          ? [`${password} is set in the .env you gave (a new random password); keep that file private.`]
          : [`In the origin host's .env: ${password}=<a new random password> if it is not set (e.g. node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))").`],
        envValues,
        [commit],
        [`Cloudflare Tunnel (Zero Trust → Networks → Tunnels → the origin host's tunnel → Public hostnames): add`, `     ${id}.origin.${domain} → http://${id}:3000`],
        [`docker compose up -d db-${id} ${id}`, '   then docker compose up -d portal backup (they read INSTANCES and the new DATABASE_URL at start);', '   with monitoring: docker compose --profile monitoring restart prometheus'],
        [
          `INSTANCES='…as above…' ${databaseUrlVariable(id)}=postgres://${id}:<password>@<host>:5432/${id} npm run platform -- migrate --only ${id}`,
          `   or, since the database publishes no port, on the host: docker compose run --rm backup node --import tsx scripts/platform.ts migrate --only ${id}`,
          '   (the origin applies its migrations at start too, so "already current" is the expected answer)',
        ],
        ...(changed('cors') ? [[`npx wrangler r2 bucket cors set ${bucket} --file deploy/r2/cors.json   (browser uploads from https://${id}.${domain})`]] : []),
        ['wrangler deploy --env production   (the edge now routes ' + `${id}.${domain})`],
        ['npm run platform -- check   (with INSTANCES and PLAN_MATRIX as wrangler.toml now has them)'],
      );
      break;
    }
    case 'suspend':
    case 'resume':
    case 'remove': {
      steps.push(['wrangler deploy --env production   (the edge reads the maintenance flag from INSTANCES)'], envValues, [commit], ['docker compose up -d portal backup   (the portal lists the instances from INSTANCES)']);
      if (action.action === 'remove' && typeof plan.entry?.removeAfter === 'string') {
        const day = plan.entry.removeAfter;
        steps.push([
          `From ${addDays(day, 1)} on: npm run platform -- instance purge ${id} --yes   (until then: npm run platform -- instance resume ${id} calls the removal off).`,
          `   Daily backups of ${id} go on meanwhile; take a last one by hand before the purge if you want one.`,
        ]);
      }
      break;
    }
    case 'purge':
      steps.push(
        ['wrangler deploy --env production   (the edge forgets the instance: its host answers as unknown)'],
        envFile ? ['On the origin host, .env now lacks the instance (--env-file); copy it there if you edited another copy.'] : [...envValues, `     and delete the ${variableToken(id)}_DB_PASSWORD line.`],
        [commit],
        [
          'docker compose up -d --remove-orphans   (stops and removes the containers of services no longer in docker-compose.yml,',
          `   ${id} and db-${id}, and restarts portal and backup with the new registry)`,
        ],
        [
          `docker volume rm <project>_db-${id}   (the database, for good; docker volume ls --filter name=db-${id} shows the name)`,
        ],
        [`Cloudflare Tunnel: delete the public hostname ${id}.origin.${domain} (and its DNS record if it stays).`],
        [
          `R2: delete the instance's uploads, tenants/${id}/uploads/ — e.g. with the bucket's token:`,
          `     aws s3 rm --recursive s3://${bucket}/tenants/${id}/uploads/ --endpoint-url ${endpoint}`,
          `   Its backups under tenants/${id}/backups/ are kept (no retention runs for it any more; delete them by hand when no longer needed).`,
        ],
        ...(changed('cors') ? [[`npx wrangler r2 bucket cors set ${bucket} --file deploy/r2/cors.json`]] : []),
        ['npm run platform -- check   (with INSTANCES and PLAN_MATRIX as wrangler.toml now has them)'],
      );
      break;
  }
  return ['Next steps, in order:', ...steps.flatMap((lines, i) => lines.map((line, j) => (j === 0 ? `  ${i + 1}. ${line}` : `  ${line}`)))];
}
