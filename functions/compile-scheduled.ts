/**
 * PLACEHOLDER so the CDK stack can synthesise: the monthly compile job is being written on
 * main and replaces this file on merge. It deliberately does nothing but fail.
 */
export const PLACEHOLDER = true;

export const handler = async (): Promise<never> => {
  throw new Error('compile-scheduled: not built yet');
};
