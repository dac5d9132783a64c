/**
 * Jest reporter: after jest's own summary, one plain closing line that any CI
 * log reader understands, e.g. "tests: 723 passed, 0 failed".
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
    // Jest's own summary reporter runs after this one: write at exit so the plain line comes last.
    process.once("exit", () => process.stderr.write(`${line}\n`));
  }
}
module.exports = SummaryReporter;
