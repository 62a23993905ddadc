// Entry point of the workflow bundle: every workflow the worker registers.
export { contractWorkflow } from './contract.js';
