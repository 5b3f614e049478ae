// Diagnostics only (BENCH_WORKFLOWS_PATH=bench/diagnostics/baseline-only-workflows.ts with --paths=baseline):
// a bundle without the complaint workflow, to price what loading its modules costs every new workflow.
export { baselineWorkflow } from '../baseline-workflow';
