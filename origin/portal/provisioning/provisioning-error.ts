export class ProvisioningError extends Error {
  name = 'ProvisioningError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}
