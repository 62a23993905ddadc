-- JP-INVOICE: every invoice is a 適格請求書 (issuer, registration number, recipient, tax per rate computed
-- once per invoice), and a correction is a new invoice naming the one it corrects (修正・返還), never an edit.
-- TNC-30: on the docomo-billed course the month's receivable is assigned to docomo (billTo 'carrier'),
-- with the carrier message that carried it as proof. Columns only, existing rows keep their values.
-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'invoice',
ADD COLUMN     "billTo" TEXT NOT NULL DEFAULT 'customer',
ADD COLUMN     "issuerName" TEXT,
ADD COLUMN     "registrationNumber" TEXT,
ADD COLUMN     "recipientName" TEXT,
ADD COLUMN     "taxBreakdown" TEXT,
ADD COLUMN     "correctsInvoiceId" TEXT,
ADD COLUMN     "carrierMessageKey" TEXT;
