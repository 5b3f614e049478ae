// The bench worker's bundle entry: the real complaint workflow, the same-shape baseline and the floor.
export { complaintWorkflow } from '../workflows';
export { baselineWorkflow } from './baseline-workflow';
export { floorWorkflow } from './floor-workflow';
