// The bundle entry: workflow functions only.
export { complaintWorkflow } from './complaint';
