-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'invoice',
ADD COLUMN     "billTo" TEXT NOT NULL DEFAULT 'customer',
ADD COLUMN     "issuerName" TEXT,
ADD COLUMN     "registrationNumber" TEXT,
ADD COLUMN     "recipientName" TEXT,
ADD COLUMN     "taxBreakdown" TEXT,
ADD COLUMN     "correctsInvoiceId" TEXT,
ADD COLUMN     "carrierMessageKey" TEXT;
