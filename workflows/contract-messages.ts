/**
 * Messages of the contract workflow: its queries and updates (names and payload types), imported by
 * the workflow and by api/, so names cannot drift. The payload shapes live in model/contract.ts
 * (no Temporal imports) and are re-exported here.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  AcceptInput,
  AnnouncementInput,
  CancellationInput,
  CarrierCourseEndInput,
  CarrierShareInput,
  ContractorChangeInput,
  ContractView,
  CarrierDisclosure,
  CarrierDisclosureInput,
  CureInput,
  Demand,
  DemandInput,
  Disclosure,
  DisclosureInput,
  DispatchInput,
  ErasureCertificateInput,
  FaultContactInput,
  ForceMajeureInput,
  InvoiceCorrectionInput,
  InvoiceResult,
  MalwareAlert,
  MalwareAlertInput,
  MeasureInput,
  NonRenewalInput,
  ObjectionInput,
  Outage,
  OutageInput,
  PartCancellationInput,
  PartErasureCertificateInput,
  PaymentInput,
  PaymentResult,
  PlanChangeInput,
  PlanChangeRefusalInput,
  ProviderTerminationInput,
  RejectInput,
  RestoreInput,
  SurchargeInput,
  Suspension,
  SuspensionInput,
  UsageInput,
  Violation,
  ViolationInput,
} from '../model/contract.js';

export * from '../model/contract.js';

export const getContract = defineQuery<ContractView>('getContract');
export const acceptApplication = defineUpdate<ContractView, [AcceptInput]>('acceptApplication');
export const rejectApplication = defineUpdate<ContractView, [RejectInput]>('rejectApplication');
/** NGN-41 / TNC-17: refused (LateNotice) when the notice comes too late, naming the latest day. */
export const requestCancellation = defineUpdate<ContractView, [CancellationInput]>('requestCancellation');
export const recordPayment = defineUpdate<PaymentResult, [PaymentInput]>('recordPayment');
export const reportUsage = defineUpdate<{ usageId: number }, [UsageInput]>('reportUsage');
export const chargeSurcharge = defineUpdate<InvoiceResult, [SurchargeInput]>('chargeSurcharge');
export const chargeDispatch = defineUpdate<InvoiceResult, [DispatchInput]>('chargeDispatch');
export const reportViolation = defineUpdate<Violation, [ViolationInput]>('reportViolation');
export const recordCure = defineUpdate<Violation, [CureInput]>('recordCure');
export const applyMeasure = defineUpdate<Violation, [MeasureInput]>('applyMeasure');
export const scheduleSuspension = defineUpdate<Suspension, [SuspensionInput]>('scheduleSuspension');
export const liftSuspension = defineUpdate<Suspension, [{ suspensionId: string }]>('liftSuspension');
export const reportOutage = defineUpdate<Outage, [OutageInput]>('reportOutage');
export const restoreOutage = defineUpdate<Outage, [RestoreInput]>('restoreOutage');
export const grantCarrierShare = defineUpdate<{ amount: string }, [CarrierShareInput]>('grantCarrierShare');
export const reportForceMajeure = defineUpdate<ContractView, [ForceMajeureInput]>('reportForceMajeure');
export const endForceMajeure = defineUpdate<ContractView, [{ endedAt: string }]>('endForceMajeure');
export const submitErasureCertificate = defineUpdate<ContractView, [ErasureCertificateInput]>('submitErasureCertificate');
/** TNC-41 (2): the registered card or account is invalid; the service is stopped without notice. */
export const reportPaymentMethodInvalid = defineUpdate<Suspension, [{ reason: string }]>('reportPaymentMethodInvalid');
export const setQueuePriority = defineUpdate<ContractView, [{ priority: number }]>('setQueuePriority');
/** TNC-16: pause and resume; refused on the docomo-billed course and under NGN. */
export const pauseService = defineUpdate<ContractView, [Record<string, never>]>('pauseService');
export const resumeService = defineUpdate<ContractView, [Record<string, never>]>('resumeService');
/** NGN-13.2 / TNC-15: an accepted plan change, formed when its acceptance notice is sent; the new price applies from that day. */
export const changePlan = defineUpdate<ContractView, [PlanChangeInput]>('changePlan');
/** NGN-13.2 / TNC-15: a change request refused on the application grounds, with a written notice. */
export const refusePlanChange = defineUpdate<ContractView, [PlanChangeRefusalInput]>('refusePlanChange');
/** TNC-19: docomo notified the cancellation of the docomo-billed course; the value plan continues. */
export const endCarrierCourse = defineUpdate<ContractView, [CarrierCourseEndInput]>('endCarrierCourse');
/** NGN-41.1: the contractor cancels one part (a site, an option) with the NGN-41 lead; the contract continues. */
export const cancelPart = defineUpdate<ContractView, [PartCancellationInput]>('cancelPart');
/** NGN-43.3: the erasure certificate for a part that ended. */
export const submitPartErasureCertificate = defineUpdate<ContractView, [PartErasureCertificateInput]>('submitPartErasureCertificate');
/** JP-INVOICE: a correction (修正・返還) of an open invoice, issued as a new invoice; the original is never edited. */
export const correctInvoice = defineUpdate<InvoiceResult, [InvoiceCorrectionInput]>('correctInvoice');
export const changeContractor = defineUpdate<ContractView, [ContractorChangeInput]>('changeContractor');
/** NGN-48: a disclosure to another carrier that asked, recorded (also after the end: NGN-54). */
export const recordCarrierDisclosure = defineUpdate<CarrierDisclosure, [CarrierDisclosureInput]>('recordCarrierDisclosure');
export const recordDisclosure = defineUpdate<Disclosure, [DisclosureInput]>('recordDisclosure');
export const alertMalware = defineUpdate<MalwareAlert, [MalwareAlertInput]>('alertMalware');
/** NGN-52: the contractor registers or changes its fault contact; outage notices go there from now on. */
export const registerFaultContact = defineUpdate<ContractView, [FaultContactInput]>('registerFaultContact');
/** NGN-40 (6): a demand (催告) with a stated period; the termination on (6) needs one that passed uncured. */
export const issueDemand = defineUpdate<Demand, [DemandInput]>('issueDemand');
/** The demand was met within its period: it closes and grounds no termination. */
export const cureDemand = defineUpdate<Demand, [{ demandId: string }]>('cureDemand');
export const terminateByProvider = defineUpdate<ContractView, [ProviderTerminationInput]>('terminateByProvider');
/** Fan-out target: an announcement reaches this contract (idempotent by announcementId). */
export const announce = defineUpdate<{ noticeSent: boolean; effectiveOn?: string }, [AnnouncementInput]>('announce');
/** The notice of an announcement did not reach this contract: send it again (its lead counts from the delivery). */
export const resendAnnouncement = defineUpdate<{ noticeSent: boolean; effectiveOn?: string }, [{ announcementId: string }]>('resendAnnouncement');
/** TNC-3: written objection before the effective date; the contract ends on that date. */
export const objectToTermsChange = defineUpdate<ContractView, [ObjectionInput]>('objectToTermsChange');
/** NGN-39: refused (LateNotice) after the non-renewal deadline, naming it. */
export const giveNonRenewalNotice = defineUpdate<ContractView, [NonRenewalInput]>('giveNonRenewalNotice');
/** Task queue the worker polls and the API starts workflows on. */
export const CONTRACT_TASK_QUEUE = 'yakkan-contracts';
