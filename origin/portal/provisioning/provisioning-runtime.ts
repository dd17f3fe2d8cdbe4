// The portal's provisioning, assembled from configuration: Keycloak's admin API, Mailgun, the provisioner
// over them, and the worker that runs the outbox in this process.
import type { InstanceRegistry } from '#shared/instance-registry';
import type { PlanMatrix } from '#shared/plan-matrix';
import type { ProvisioningConfig } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { processOutbox, type JobFailure } from '../billing/outbox.ts';
import type { PortalDb } from '../billing/record-stripe-event.ts';
import { KeycloakUserDirectory } from './keycloak-directory.ts';
import { MailgunMailer } from './mailgun-mailer.ts';
import { startOutboxWorker, type OutboxWorker } from './outbox-worker.ts';
import { createProvisioner } from './provisioner.ts';
import { ProvisioningError } from './provisioning-error.ts';

export interface ProvisioningRuntimeOptions {
  config: ProvisioningConfig;
  db: PortalDb;
  logger: Logger;
  instances: InstanceRegistry;
  planMatrix: PlanMatrix;
  publicUrlPattern: string;
  intervalMs?: number;
}

export function startProvisioning(options: ProvisioningRuntimeOptions): OutboxWorker {
  const { keycloak, mailgun } = options.config;
  const provisioner = createProvisioner({
    db: options.db,
    directory: new KeycloakUserDirectory({ baseUrl: keycloak.url, realmName: keycloak.realm, clientId: keycloak.clientId, clientSecret: keycloak.clientSecret }),
    mailer: new MailgunMailer({ apiKey: mailgun.apiKey, domain: mailgun.domain, baseUrl: mailgun.baseUrl, from: mailgun.from }),
    instances: options.instances,
    planMatrix: options.planMatrix,
    publicUrlPattern: options.publicUrlPattern,
    setPasswordClientId: keycloak.setPasswordClientId,
  });
  const onFailure = (failure: JobFailure) => logJobFailure(options.logger, failure);
  return startOutboxWorker({
    runOnce: (shouldStop) => processOutbox({ db: options.db, provisioner, shouldStop, onFailure }),
    logger: options.logger,
    intervalMs: options.intervalMs,
  });
}

/**
 * One line per failed attempt. A failure that only waiting can cure (Keycloak or Mailgun down) is a
 * warning; one that needs a person (a refused key, a missing group, an unverified email) is an error,
 * so an alert on error lines finds it. Either way the job is tried again later: once someone has fixed
 * the cause, the next attempt goes through without anyone touching the queue.
 */
export function logJobFailure(logger: Logger, { jobId, customerId, attempts, nextAttemptAt, error }: JobFailure): void {
  // The message says what to fix and never carries a secret (ProvisioningError's contract).
  const { code, retryable } = error instanceof ProvisioningError ? error : { code: 'unexpected', retryable: true };
  const fields = { jobId, customer: customerId, attempts, nextAttemptAt, code, retryable, error: error instanceof Error ? error.message : String(error) };
  if (retryable) logger.warn(fields, 'provisioning job failed; retrying later');
  else logger.error(fields, 'provisioning job failed and needs an operator: fix what the error names; the job is retried until then');
}
