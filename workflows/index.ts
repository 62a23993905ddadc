// Entry point of the workflow bundle: every workflow the worker registers.
export { contractWorkflow } from './contract.js';
export { announcementWorkflow } from './announcement.js';
export { carrierSettlementWorkflow } from './carrier-settlement.js';
