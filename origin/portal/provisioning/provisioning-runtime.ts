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
  const onFailure = ({ jobId, customerId, attempts, nextAttemptAt, error }: JobFailure) => {
    // The message says what to fix and never carries a secret (ProvisioningError's contract).
    const { code, retryable } = error instanceof ProvisioningError ? error : { code: 'unexpected', retryable: true };
    options.logger.warn({ jobId, customer: customerId, attempts, nextAttemptAt, code, retryable, error: error instanceof Error ? error.message : String(error) }, 'provisioning job failed');
  };
  return startOutboxWorker({
    runOnce: (shouldStop) => processOutbox({ db: options.db, provisioner, shouldStop, onFailure }),
    logger: options.logger,
    intervalMs: options.intervalMs,
  });
}
