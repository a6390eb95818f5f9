import type { TestProject } from 'vitest/node';
import { MOTO_ENDPOINT_VARIABLE, MOTO_ERROR_VARIABLE, type Moto, startMoto } from './moto.js';

/**
 * vitest globalSetup: one moto_server for the whole run. Its endpoint reaches the test files both as
 * `inject('motoEndpoint')` and as an environment variable (read by `sharedMoto()`). A missing moto does
 * not fail the run here: only the tests that need it fail, with the reason.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

let moto: Moto | undefined;

export async function setup(project: TestProject): Promise<void> {
  try {
    moto = await startMoto();
    process.env[MOTO_ENDPOINT_VARIABLE] = moto.endpoint;
    project.provide('motoEndpoint', moto.endpoint);
  } catch (error) {
    process.env[MOTO_ERROR_VARIABLE] = (error as Error).message;
    project.provide('motoEndpoint', '');
  }
}

export async function teardown(): Promise<void> {
  await moto?.stop();
}
