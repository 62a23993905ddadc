-- AlterTable
ALTER TABLE "Notice" ADD COLUMN "escalatedAt" DATETIME;

-- CreateTable
CREATE TABLE "Invoice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contractId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "issuedOn" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "taxableTotal" TEXT NOT NULL,
    "taxTotal" TEXT NOT NULL,
    "outOfScopeTotal" TEXT NOT NULL,
    "creditTotal" TEXT NOT NULL,
    "total" TEXT NOT NULL,
    "clauseId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Invoice_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contractId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "paidOn" TEXT NOT NULL,
    "reference" TEXT,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Payment_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Payment_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UsageRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contractId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "optionId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "quantity" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "UsageRecord_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContractEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contractId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "clauseId" TEXT,
    "at" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    CONSTRAINT "ContractEvent_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CarrierMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contractId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "clauseId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    "responseStatus" INTEGER,
    "responseBody" TEXT,
    "lastError" TEXT,
    CONSTRAINT "CarrierMessage_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LedgerEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contractId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "clauseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "taxClass" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "period" TEXT,
    "effectiveDate" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "invoiceId" TEXT,
    "postedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LedgerEntry_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "LedgerEntry_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_LedgerEntry" ("amount", "clauseId", "contractId", "description", "effectiveDate", "id", "idempotencyKey", "kind", "period", "postedAt", "runId", "taxClass", "workflowId") SELECT "amount", "clauseId", "contractId", "description", "effectiveDate", "id", "idempotencyKey", "kind", "period", "postedAt", "runId", "taxClass", "workflowId" FROM "LedgerEntry";
DROP TABLE "LedgerEntry";
ALTER TABLE "new_LedgerEntry" RENAME TO "LedgerEntry";
CREATE UNIQUE INDEX "LedgerEntry_idempotencyKey_key" ON "LedgerEntry"("idempotencyKey");
CREATE INDEX "LedgerEntry_contractId_id_idx" ON "LedgerEntry"("contractId", "id");
CREATE INDEX "LedgerEntry_invoiceId_idx" ON "LedgerEntry"("invoiceId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Invoice_contractId_id_idx" ON "Invoice"("contractId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_idempotencyKey_key" ON "Payment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Payment_contractId_id_idx" ON "Payment"("contractId", "id");

-- CreateIndex
CREATE INDEX "Payment_invoiceId_idx" ON "Payment"("invoiceId");

-- CreateIndex
CREATE UNIQUE INDEX "UsageRecord_idempotencyKey_key" ON "UsageRecord"("idempotencyKey");

-- CreateIndex
CREATE INDEX "UsageRecord_contractId_month_idx" ON "UsageRecord"("contractId", "month");

-- CreateIndex
CREATE UNIQUE INDEX "ContractEvent_idempotencyKey_key" ON "ContractEvent"("idempotencyKey");

-- CreateIndex
CREATE INDEX "ContractEvent_contractId_id_idx" ON "ContractEvent"("contractId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "CarrierMessage_idempotencyKey_key" ON "CarrierMessage"("idempotencyKey");

-- CreateIndex
CREATE INDEX "CarrierMessage_contractId_id_idx" ON "CarrierMessage"("contractId", "id");

