// Fails when the oclif.manifest.json that the build just generated differs from the committed one:
// a stale manifest makes --help and command lookup disagree with the code.
import { execFileSync } from 'node:child_process';

try {
  execFileSync('git', ['diff', '--quiet', 'HEAD', '--', 'oclif.manifest.json'], { stdio: 'inherit' });
} catch (error) {
  if (error.status === 1) {
    console.error('oclif.manifest.json is stale: the build regenerated it. Commit the regenerated file.');
    process.exit(1);
  }
  console.error(`Cannot compare oclif.manifest.json with git: ${error.message}`);
  process.exit(1);
}
console.log('oclif.manifest.json is up to date.');
