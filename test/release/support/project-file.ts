import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes a serverless-infra.json with one environment, as `init` would, for the commands under test. */
export async function writeProjectFile(
  dir: string,
  environment: { name: string; region: string; stackName: string; releaseStrategy: string },
): Promise<void> {
  const { name, ...rest } = environment;
  await writeFile(
    path.join(dir, 'serverless-infra.json'),
    JSON.stringify({
      schemaVersion: 1,
      environments: { [name]: { email: 'ops@example.com', resourceId: 'abcd1234', ...rest } },
    }),
  );
}
