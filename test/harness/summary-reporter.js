/** Writes jest's totals to a file so .ci/run can print the plain `N passed, N failed` line. */
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.JEST_SUMMARY_FILE || path.join(__dirname, '..', '..', 'test-artifacts', 'jest-summary.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const failedSuites = results.numFailedTestSuites + (results.numRuntimeErrorTestSuites || 0);
    fs.writeFileSync(
      file,
      JSON.stringify({ passed: results.numPassedTests, failed: results.numFailedTests, failedSuites, skipped: results.numPendingTests + results.numTodoTests }),
    );
  }
}
module.exports = SummaryReporter;
