// Prints vitest's totals as the one line CI reads: "N passed, N failed[, N skipped]".
// A missing report (the run stopped before the tests) prints "0 passed, 0 failed" and fails.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
if (!existsSync(file)) {
  console.log('0 passed, 0 failed');
  console.error(`No test report at ${file}: the tests did not run.`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
const failedTests = report.numFailedTests ?? 0;
// A suite that fails to load has no failed test of its own: count it, or the run would look green.
const failedSuites = report.numFailedTestSuites ?? 0;
const failed = failedTests + (failedTests === 0 ? failedSuites : 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
