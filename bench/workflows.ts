// The bench worker's bundle entry: the real complaint workflow and the no-work baseline.
export { complaintWorkflow } from '../workflows';
export { baselineWorkflow } from './baseline-workflow';
